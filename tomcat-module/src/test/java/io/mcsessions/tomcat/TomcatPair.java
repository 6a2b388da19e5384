package io.mcsessions.tomcat;

import io.mcsessions.testing.Concurrently;
import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.catalina.Context;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension: two real embedded Tomcats, {@code a} and {@code b}, whose {@link MemcachedSessionManager}s
 * share every node of a {@link MemcachedCluster} and are configured alike by one lambda, as two instances behind a
 * load balancer would be.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
 * @RegisterExtension
 * static final TomcatPair tomcats = TomcatPair.on(cluster).configuredBy(m -> m.setSticky(true)).jvmRoutes("a", "b");
 *
 * private final EmbeddedTomcat a = tomcats.a();
 * private final EmbeddedTomcat b = tomcats.b();
 * }</pre>
 *
 * <p>In a static field, both Tomcats start once for the class, when a test instance first asks for them and at the
 * latest before its first test, and stop after its last test. Right before each test, the pair waits until both
 * stores see every node up ({@link #nodesUp()}): a test before may have killed nodes, which the cluster has started
 * again by then. (Not before all tests: JUnit orders the extensions of a class by a hash of their field names, so the
 * cluster whose nodes the lambda names may start after the pair's {@code beforeAll}.)
 *
 * <p>In an instance field, each Tomcat starts when a test first asks for it ({@link #a()}, {@link #b()}) and stops
 * after that test: for tests that stop a context, that need only one of the two, or that check what a start logs.
 */
final class TomcatPair implements BeforeAllCallback, BeforeEachCallback, BeforeTestExecutionCallback,
        AfterEachCallback, AfterAllCallback {
    private final MemcachedCluster cluster;
    private Consumer<MemcachedSessionManager> configure = m -> { };
    private final String[] jvmRoutes = new String[2];
    private final EventListener[][] listeners = {new EventListener[0], new EventListener[0]};
    private BiConsumer<String, Context> customize = (name, context) -> { };
    /** The class that started the pair, when registered in a static field; its nested classes share the pair. */
    private String owner;
    private EmbeddedTomcat a;
    private EmbeddedTomcat b;

    private TomcatPair(MemcachedCluster cluster) {
        this.cluster = cluster;
    }

    /** Two Tomcats on every node of {@code cluster} (read when they start, after the cluster has). */
    static TomcatPair on(MemcachedCluster cluster) {
        return new TomcatPair(cluster);
    }

    /** The other settings of both managers, through their setters; {@code memcachedNodes} may be changed too. */
    TomcatPair configuredBy(Consumer<MemcachedSessionManager> settings) {
        this.configure = settings;
        return this;
    }

    /**
     * Configures {@code manager} as both managers are: every node of the cluster, then {@link #configuredBy}'s
     * settings. For a third Tomcat like these two.
     */
    void configure(MemcachedSessionManager manager) {
        manager.setMemcachedNodes(cluster.nodesString());
        configure.accept(manager);
    }

    /** The engines' jvmRoutes, as in sticky mode behind a load balancer that routes by the id's suffix. */
    TomcatPair jvmRoutes(String routeOfA, String routeOfB) {
        jvmRoutes[0] = routeOfA;
        jvmRoutes[1] = routeOfB;
        return this;
    }

    /** Listeners of each web application, e.g. {@link SessionEvents} that record what each Tomcat announced. */
    TomcatPair listeners(EventListener onA, EventListener onB) {
        listeners[0] = new EventListener[] {onA};
        listeners[1] = new EventListener[] {onB};
        return this;
    }

    /** Runs on each context, named {@code "a"} or {@code "b"}, before its Tomcat starts (servlets, engine name). */
    TomcatPair customize(BiConsumer<String, Context> customizer) {
        this.customize = customizer;
        return this;
    }

    /** Tomcat {@code a}: started for the class, or now if this is the first time this test asks for it. */
    synchronized EmbeddedTomcat a() {
        if (a == null) {
            a = start("a", 0);
        }
        return a;
    }

    /** Tomcat {@code b}: started for the class, or now if this is the first time this test asks for it. */
    synchronized EmbeddedTomcat b() {
        if (b == null) {
            b = start("b", 1);
        }
        return b;
    }

    /** The Tomcats started so far (and not stopped by this extension), {@code a} first. */
    synchronized List<EmbeddedTomcat> started() {
        List<EmbeddedTomcat> started = new ArrayList<>(2);
        if (a != null) {
            started.add(a);
        }
        if (b != null) {
            started.add(b);
        }
        return started;
    }

    /**
     * Sends {@code path} of the session {@code sessionId} from {@code clients} browsers at once, each
     * {@code requestsEach} times, alternating between the two Tomcats (each browser starting on another), and returns
     * when every request has answered 200.
     */
    void concurrentRequests(String sessionId, int clients, int requestsEach, String path) throws Exception {
        Concurrently.run(clients, Duration.ofMinutes(5), offset -> {
            SessionClient client = new SessionClient();
            client.useSessionId(sessionId);
            for (int i = 0; i < requestsEach; i++) {
                client.get((i + offset) % 2 == 0 ? a() : b(), path);
            }
        });
    }

    /** Waits until both Tomcats' stores see every node up: after a test brought nodes back. */
    void nodesUp() {
        a().nodesUp();
        b().nodesUp();
    }

    private EmbeddedTomcat start(String name, int index) {
        try {
            return EmbeddedTomcat.with().jvmRoute(jvmRoutes[index]).memcached(this::configure).listeners(listeners[index])
                    .customize(context -> customize.accept(name, context)).start();
        } catch (Exception e) {
            throw new IllegalStateException("Tomcat " + name + " did not start", e);
        }
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (owner == null) {
            owner = context.getUniqueId();
        }
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        if (owner != null) {
            a();
            b();
        }
    }

    @Override
    public void beforeTestExecution(ExtensionContext context) {
        if (owner != null) {
            nodesUp();
        }
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (owner == null) {
            stop();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (context.getUniqueId().equals(owner)) {
            owner = null;
            stop();
        }
    }

    /** Stops both (each only if started), b first: the reverse of their start. */
    private synchronized void stop() {
        try {
            if (b != null) {
                b.close();
            }
        } finally {
            b = null;
            if (a != null) {
                a.close();
            }
            a = null;
        }
    }
}
