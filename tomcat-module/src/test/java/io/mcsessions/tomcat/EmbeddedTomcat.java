package io.mcsessions.tomcat;

import jakarta.servlet.ServletContainerInitializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EventListener;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * A real embedded Tomcat on a free loopback port with one context, {@code /app}, managed by a
 * {@link MemcachedSessionManager} and served by {@link CounterServlet}.
 */
final class EmbeddedTomcat implements AutoCloseable {
    private final Tomcat tomcat;
    private final Context context;
    private final MemcachedSessionManager manager;
    private final Path baseDir;
    private final Path docBase;
    private final int port;

    private EmbeddedTomcat(Tomcat tomcat, Context context, MemcachedSessionManager manager, Path baseDir,
                           Path docBase, int port) {
        this.tomcat = tomcat;
        this.context = context;
        this.manager = manager;
        this.baseDir = baseDir;
        this.docBase = docBase;
        this.port = port;
    }

    /** Starts a Tomcat whose engine has the given jvmRoute (or none), with the manager configured by the caller. */
    static EmbeddedTomcat start(String jvmRoute, Consumer<MemcachedSessionManager> configure,
                                EventListener... listeners) throws Exception {
        Path baseDir = Files.createTempDirectory("mcsessions-tomcat");
        Path docBase = WebappClasses.newDocBase();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        if (jvmRoute != null) {
            tomcat.getEngine().setJvmRoute(jvmRoute);
        }
        tomcat.getHost().setAutoDeploy(false);
        Context context = tomcat.addContext("/app", docBase.toString());
        MemcachedSessionManager manager = new MemcachedSessionManager();
        configure.accept(manager);
        context.setManager(manager);
        Tomcat.addServlet(context, "counter", new CounterServlet());
        context.addServletMappingDecoded("/*", "counter");
        ServletContainerInitializer addListeners = (classes, servletContext) -> {
            for (EventListener listener : listeners) {
                servletContext.addListener(listener);
            }
        };
        context.addServletContainerInitializer(addListeners, null);
        try {
            tomcat.start();
        } catch (LifecycleException | RuntimeException e) {
            destroy(tomcat);
            throw e;
        }
        return new EmbeddedTomcat(tomcat, context, manager, baseDir, docBase, connector.getLocalPort());
    }

    MemcachedSessionManager manager() {
        return manager;
    }

    Context context() {
        return context;
    }

    int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port>/app<path>}. */
    String url(String path) {
        return "http://127.0.0.1:" + port + "/app" + path;
    }

    @Override
    public void close() {
        destroy(tomcat);
        WebappClasses.deleteRecursively(baseDir);
        WebappClasses.deleteRecursively(docBase);
    }

    private static void destroy(Tomcat tomcat) {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException("Tomcat did not stop", e);
        }
    }
}
