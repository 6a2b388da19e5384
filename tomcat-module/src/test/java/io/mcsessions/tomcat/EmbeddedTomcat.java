package io.mcsessions.tomcat;

import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.everyItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.core.NodeState;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.testing.FileTrees;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.WebappClasses;
import jakarta.servlet.ServletContainerInitializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Manager;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.session.ManagerBase;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.scan.StandardJarScanner;

/**
 * A real embedded Tomcat on a free loopback port with one context, {@code /app}, served by {@link CounterServlet}.
 * By default the context's manager is a {@link MemcachedSessionManager} configured by the caller; a test can give
 * another manager (a {@code StandardManager} to compare with), or a {@code META-INF/context.xml} for Tomcat's own
 * digester to read, as in a real deployment. Two Tomcats that share sessions: {@link TomcatPair}.
 */
final class EmbeddedTomcat implements AutoCloseable {
    /** The class of the session's counter, which only the web application sees (its WEB-INF/classes). */
    static final String COUNTER_CLASS = "webapp.only.WebappCounter";
    /** {@link #COUNTER_CLASS}, compiled once per JVM. */
    static final WebappClasses WEBAPP_ONLY = WebappClasses.ofSource(COUNTER_CLASS, """
            package webapp.only;

            public class WebappCounter implements java.io.Serializable {
                private static final long serialVersionUID = 1L;
                private int count;

                public int increment() {
                    return ++count;
                }

                public int get() {
                    return count;
                }
            }
            """);

    private final Tomcat tomcat;
    private final Context context;
    private final Path baseDir;
    private final Path docBase;
    private final int port;
    private final String contextPath;
    private boolean closed;

    private EmbeddedTomcat(Tomcat tomcat, Context context, Path baseDir, Path docBase, int port, String contextPath) {
        this.tomcat = tomcat;
        this.context = context;
        this.baseDir = baseDir;
        this.docBase = docBase;
        this.port = port;
        this.contextPath = contextPath;
    }

    /** Starts a Tomcat whose engine has the given jvmRoute (or none), with the manager configured by the caller. */
    static EmbeddedTomcat start(String jvmRoute, Consumer<MemcachedSessionManager> configure,
                                EventListener... listeners) throws Exception {
        return with().jvmRoute(jvmRoute).memcached(configure).listeners(listeners).start();
    }

    /** A non-sticky Tomcat on the cluster's nodes that keeps at most {@code maxLocalCopies} local copies. */
    static EmbeddedTomcat nonStickyKeeping(MemcachedCluster cluster, int maxLocalCopies) throws Exception {
        return start(null, m -> {
            m.setMemcachedNodes(cluster.nodesString());
            m.setMaxLocalCopies(maxLocalCopies);
        });
    }

    static Builder with() {
        return new Builder();
    }

    /** What differs between the Tomcats of the tests. */
    static final class Builder {
        private String jvmRoute;
        private String contextPath = "/app";
        private Manager manager;
        private String contextXml;
        private final List<EventListener> listeners = new ArrayList<>();
        private Consumer<Context> customize = context -> { };

        Builder jvmRoute(String route) {
            this.jvmRoute = route;
            return this;
        }

        /** The context's path; {@code /app} unless given. */
        Builder contextPath(String path) {
            this.contextPath = path;
            return this;
        }

        /** A {@link MemcachedSessionManager} configured through its setters. */
        Builder memcached(Consumer<MemcachedSessionManager> configure) {
            MemcachedSessionManager memcached = new MemcachedSessionManager();
            configure.accept(memcached);
            this.manager = memcached;
            return this;
        }

        /** Any other manager, e.g. Tomcat's {@code StandardManager}. */
        Builder manager(Manager other) {
            this.manager = other;
            return this;
        }

        /** The webapp's {@code META-INF/context.xml}, read by Tomcat's digester (the manager comes from it). */
        Builder contextXml(String xml) {
            this.contextXml = xml;
            return this;
        }

        Builder listeners(EventListener... added) {
            listeners.addAll(List.of(added));
            return this;
        }

        /** Runs on the context before Tomcat starts, e.g. to add a servlet. */
        Builder customize(Consumer<Context> customizer) {
            this.customize = customizer;
            return this;
        }

        /**
         * Starts Tomcat. A context that fails to start does not fail this method: Tomcat logs it and leaves the
         * context unavailable, which {@link EmbeddedTomcat#context()} shows.
         */
        EmbeddedTomcat start() throws Exception {
            Path baseDir = Files.createTempDirectory("mcsessions-tomcat");
            Path docBase = Files.createTempDirectory("mcsessions-docbase");
            WEBAPP_ONLY.copyTo(docBase.resolve("WEB-INF/classes"));
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
            Context context = contextXml == null ? tomcat.addContext(contextPath, docBase.toString())
                    : webappWithContextXml(tomcat, docBase, contextXml, contextPath);
            if (manager != null) {
                context.setManager(manager);
            }
            Tomcat.addServlet(context, "counter", new CounterServlet());
            context.addServletMappingDecoded("/*", "counter");
            List<EventListener> added = List.copyOf(listeners);
            ServletContainerInitializer addListeners = (classes, servletContext) -> {
                for (EventListener listener : added) {
                    servletContext.addListener(listener);
                }
            };
            context.addServletContainerInitializer(addListeners, null);
            customize.accept(context);
            try {
                tomcat.start();
            } catch (LifecycleException | RuntimeException e) {
                destroy(tomcat);
                throw e;
            }
            return new EmbeddedTomcat(tomcat, context, baseDir, docBase, connector.getLocalPort(), contextPath);
        }

        private static Context webappWithContextXml(Tomcat tomcat, Path docBase, String xml, String path) {
            try {
                Files.createDirectories(docBase.resolve("META-INF"));
                Files.writeString(docBase.resolve("META-INF/context.xml"), xml);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tomcat.setAddDefaultWebXmlToWebapp(false);
            Context context = tomcat.addWebapp(path, docBase.toString());
            StandardJarScanner scanner = new StandardJarScanner();
            scanner.setScanClassPath(false); // the test class path holds no web fragments; scanning it is slow
            context.setJarScanner(scanner);
            return context;
        }
    }

    /** The context's manager, which must be a {@link MemcachedSessionManager}. */
    MemcachedSessionManager manager() {
        return (MemcachedSessionManager) context.getManager();
    }

    /** The context's manager, whatever its class. */
    ManagerBase baseManager() {
        return (ManagerBase) context.getManager();
    }

    Context context() {
        return context;
    }

    int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port><context path><path>}. */
    String url(String path) {
        return "http://127.0.0.1:" + port + contextPath + path;
    }

    /**
     * Asserts that the session's counter is of {@link #COUNTER_CLASS}, loaded by this web application's class loader:
     * the session was read with it, the only one that sees that class.
     */
    void assertCounterIsTheWebappsOwn(String sessionId) throws IOException {
        Object counter = manager().findSession(sessionId).getSession().getAttribute("counter");
        assertEquals(COUNTER_CLASS, counter.getClass().getName());
        assertEquals(context.getLoader().getClassLoader(), counter.getClass().getClassLoader());
    }

    /**
     * Waits until the store sees every node up (after a test restarted killed nodes or marked them up), sending a
     * load now and then: a down node is probed when the store is used.
     */
    void nodesUp() {
        ReplicatedSessionStore store = manager().store();
        await(contextPath + " on port " + port + " sees every node up").atMost(Duration.ofSeconds(10)).until(() -> {
            store.load("probe-" + System.nanoTime()); // gives a down node's probe a chance to run
            return store.nodes().stream().map(n -> n.node().id() + " " + n.state()).toList();
        }, everyItem(endsWith(" " + NodeState.UP)));
    }

    /** Stops Tomcat and deletes its directories; again, it does nothing (a test may stop a Tomcat early). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        destroy(tomcat);
        FileTrees.delete(baseDir);
        FileTrees.delete(docBase);
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
