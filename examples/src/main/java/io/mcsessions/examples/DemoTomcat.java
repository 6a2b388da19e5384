package io.mcsessions.examples;

import io.mcsessions.examples.webapp.CartServlet;
import io.mcsessions.examples.webapp.StatusServlet;
import io.mcsessions.tomcat.MemcachedSessionManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;

/** An embedded Tomcat 11 running the sample application with the mcsessions Manager. */
final class DemoTomcat {
    private DemoTomcat() {
    }

    static Instance start(String name, int port, String memcachedNodes) throws IOException, LifecycleException {
        return start(name, port, memcachedNodes, manager -> { });
    }

    /** As {@link #start(String, int, String)}, with more Manager settings (for the chaos suite's other setups). */
    static Instance start(String name, int port, String memcachedNodes,
                          java.util.function.Consumer<MemcachedSessionManager> more)
            throws IOException, LifecycleException {
        Path base = Files.createTempDirectory("mcsessions-demo-" + name);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getEngine().setName(name);
        Context context = tomcat.addContext(Instance.CONTEXT_PATH, Files.createDirectories(base.resolve("docs")).toString());
        context.addParameter("mcsessions.demo.instance", name);

        // What a context.xml <Manager className="io.mcsessions.tomcat.MemcachedSessionManager" .../> sets up.
        MemcachedSessionManager manager = new MemcachedSessionManager();
        manager.setMemcachedNodes(memcachedNodes);
        manager.setRedundancy(2);
        manager.setOperationTimeout(300);
        manager.setRetryInterval(1000);
        more.accept(manager);
        manager.setSigningKeys(Demo.SIGNING_KEY); // the same secret on every instance
        context.setManager(manager);

        Tomcat.addServlet(context, "cart", new CartServlet());
        context.addServletMappingDecoded("/", "cart");
        Tomcat.addServlet(context, "status", new StatusServlet());
        context.addServletMappingDecoded("/status", "status");
        context.addServletMappingDecoded("/status.json", "status");
        tomcat.start();
        return new Instance(name, port, () -> {
            tomcat.stop();
            tomcat.destroy();
        });
    }
}
