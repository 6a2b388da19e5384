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
final class DemoJetty implements Instance {
    static final String CONTEXT_PATH = "/shop";
    /** Both pairs run on 127.0.0.1, and browsers share cookies across ports: the Jetty pair uses its own name. */
    static final String COOKIE = "JETTY_SESSION";

    private final String name;
    private final Server server;
    private final int port;

    private DemoJetty(String name, Server server, int port) {
        this.name = name;
        this.server = server;
        this.port = port;
    }

    static DemoJetty start(String name, int port, String memcachedNodes) throws Exception {
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
        server.addBean(sessions);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath(CONTEXT_PATH);
        context.setInitParameter("mcsessions.demo.instance", name);
        context.getSessionHandler().setSessionCookie(COOKIE);
        context.addServlet(CartServlet.class, "/");
        context.addServlet(StatusServlet.class, "/status");
        context.addServlet(StatusServlet.class, "/status.json");
        server.setHandler(context);
        server.start();
        return new DemoJetty(name, server, port);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + port + CONTEXT_PATH;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println(name + " did not stop cleanly: " + e.getMessage());
        }
    }
}
