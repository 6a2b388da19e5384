package io.mcsessions.examples;

import io.mcsessions.examples.webapp.CartServlet;
import io.mcsessions.examples.webapp.StatusServlet;
import io.mcsessions.jetty.MemcachedSessionDataStoreFactory;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.NullSessionCacheFactory;

/** An embedded Jetty 12.1 (ee11) running the sample application on the mcsessions SessionDataStore. */
final class DemoJetty {
    /** Both pairs run on 127.0.0.1, and browsers share cookies across ports: the Jetty pair uses its own name. */
    static final String COOKIE = "JETTY_SESSION";

    private DemoJetty() {
    }

    static Instance start(String name, int port, String memcachedNodes) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);

        DefaultSessionIdManager ids = new DefaultSessionIdManager(server);
        ids.setWorkerName(name.replaceAll("[^A-Za-z0-9]", ""));
        server.addBean(ids, true);
        // Non-sticky: no session cache, so every request reads the newest copy from memcached.
        server.addBean(new NullSessionCacheFactory());
        MemcachedSessionDataStoreFactory sessions = new MemcachedSessionDataStoreFactory();
        sessions.setMemcachedNodes(memcachedNodes);
        sessions.setRedundancy(2);
        sessions.setOperationTimeout(300);
        sessions.setRetryInterval(1000);
        sessions.setSigningKeys(Demo.SIGNING_KEY); // the same secret on every instance
        server.addBean(sessions);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath(Instance.CONTEXT_PATH);
        context.setInitParameter("mcsessions.demo.instance", name);
        context.getSessionHandler().setSessionCookie(COOKIE);
        context.addServlet(CartServlet.class, "/");
        context.addServlet(StatusServlet.class, "/status");
        context.addServlet(StatusServlet.class, "/status.json");
        server.setHandler(context);
        server.start();
        return new Instance(name, port, server::stop);
    }
}
