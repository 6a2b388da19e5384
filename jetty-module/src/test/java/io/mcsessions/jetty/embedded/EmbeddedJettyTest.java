package io.mcsessions.jetty.embedded;

import static org.hamcrest.Matchers.hasSize;

import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.StoreConfig;
import io.mcsessions.jetty.MemcachedSessionDataStoreFactory;
import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import io.mcsessions.testing.Polling;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the embedded scenarios share: three real memcached nodes, captured mcsessions log records, a browser, and
 * Jetty instances that are stopped after each test. Subclasses pick the servlet environment (ee10, ee11).
 */
public abstract class EmbeddedJettyTest {
    /** Short enough to keep failure tests quick, long enough for a busy 2-core machine. */
    protected static final long OPERATION_TIMEOUT_MILLIS = 500;
    protected static final long RETRY_INTERVAL_MILLIS = 500;
    /** Bound of every wait for something to happen. */
    protected static final Duration PATIENCE = Duration.ofSeconds(20);

    @RegisterExtension
    protected static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    protected final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    protected final CounterBrowser browser = new CounterBrowser();
    private final Deque<JettyInstance> instances = new ArrayDeque<>();

    /** The servlet environment the scenarios run in. */
    protected abstract ServletEnvironment environment();

    /** The factory users add as a bean: all three nodes, two copies of each session. */
    protected MemcachedSessionDataStoreFactory sessions() {
        return sessions(cluster.nodesString());
    }

    protected MemcachedSessionDataStoreFactory sessions(String nodes) {
        MemcachedSessionDataStoreFactory factory = new MemcachedSessionDataStoreFactory();
        factory.setMemcachedNodes(nodes);
        factory.setRedundancy(2);
        factory.setOperationTimeout(OPERATION_TIMEOUT_MILLIS);
        factory.setRetryInterval(RETRY_INTERVAL_MILLIS);
        return factory;
    }

    protected JettyInstance.Builder jetty(String worker) {
        return JettyInstance.in(environment()).worker(worker);
    }

    /** Starts a non-sticky (NullSessionCache) instance with the default factory. */
    protected JettyInstance start(String worker) throws Exception {
        return started(jetty(worker).start(sessions()));
    }

    protected JettyInstance started(JettyInstance instance) {
        instances.push(instance);
        return instance;
    }

    @AfterEach
    void stopJettyInstances() throws Exception {
        for (MemcachedNode node : cluster.nodes()) {
            if (node.isPaused()) {
                node.resume(); // a client blocked on a hung node would slow the shutdown
            }
        }
        Exception failure = null;
        while (!instances.isEmpty()) {
            try {
                instances.pop().close();
            } catch (Exception e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The requests of a browser that go to {@code instance}. */
    protected static Function<String, URI> on(JettyInstance instance) {
        return instance::uri;
    }

    /** The memcached key of the browser's session in the test webapp. */
    protected String sessionKey(JettyInstance instance) {
        return instance.store().getStorageKeyPrefix() + browser.sessionId();
    }

    /** The running nodes that hold a value under the browser's session key. */
    protected List<MemcachedNode> holders(JettyInstance instance) {
        String key = sessionKey(instance);
        return cluster.nodes().stream().filter(n -> n.isRunning() && !n.isPaused() && n.get(key) != null).toList();
    }

    /**
     * Waits until {@code count} nodes hold the browser's session (a save returns on the first copy; the others
     * follow) and returns them.
     */
    protected List<MemcachedNode> copies(JettyInstance instance, int count) {
        return await(count + " copies of " + sessionKey(instance)).atMost(PATIENCE)
                .until(() -> holders(instance), hasSize(count));
    }

    /** The node's state as the instance's store sees it, e.g. {@code UP}. */
    protected static String state(JettyInstance instance, MemcachedNode node) {
        return Arrays.stream(instance.store().getNodeStates()).filter(s -> s.startsWith(node.id() + " "))
                .map(s -> s.substring(s.indexOf(": ") + 2, s.indexOf(" since"))).findFirst().orElse("?");
    }

    /** Waits, at most {@link #PATIENCE}, for {@code what} (see {@link Polling#await}). */
    protected static ConditionFactory await(String what) {
        return Polling.await(what).atMost(PATIENCE);
    }

    /** A core store on the same nodes and keys as the instance's context, to write what a test needs. */
    protected ReplicatedSessionStore directStore(JettyInstance instance) {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes(cluster.nodesString());
        config.setRedundancy(3);
        config.setStorageKeyPrefix(instance.store().getStorageKeyPrefix());
        config.setStoreName("test");
        return ReplicatedSessionStore.start(config);
    }
}
