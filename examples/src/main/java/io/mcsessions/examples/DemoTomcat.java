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
final class DemoTomcat implements Instance {
    static final String CONTEXT_PATH = "/shop";

    private final String name;
    private final Tomcat tomcat;
    private final int port;

    private DemoTomcat(String name, Tomcat tomcat, int port) {
        this.name = name;
        this.tomcat = tomcat;
        this.port = port;
    }

    static DemoTomcat start(String name, int port, String memcachedNodes) throws IOException, LifecycleException {
        Path base = Files.createTempDirectory("mcsessions-demo-" + name);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(port);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getEngine().setName(name);
        Context context = tomcat.addContext(CONTEXT_PATH, Files.createDirectories(base.resolve("docs")).toString());
        context.addParameter("mcsessions.demo.instance", name);

        // What a context.xml <Manager className="io.mcsessions.tomcat.MemcachedSessionManager" .../> sets up.
        MemcachedSessionManager manager = new MemcachedSessionManager();
        manager.setMemcachedNodes(memcachedNodes);
        manager.setRedundancy(2);
        manager.setOperationTimeout(300);
        manager.setRetryInterval(1000);
        context.setManager(manager);

        Tomcat.addServlet(context, "cart", new CartServlet());
        context.addServletMappingDecoded("/", "cart");
        Tomcat.addServlet(context, "status", new StatusServlet());
        context.addServletMappingDecoded("/status", "status");
        context.addServletMappingDecoded("/status.json", "status");
        tomcat.start();
        return new DemoTomcat(name, tomcat, port);
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
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            System.err.println(name + " did not stop cleanly: " + e.getMessage());
        }
    }
}
