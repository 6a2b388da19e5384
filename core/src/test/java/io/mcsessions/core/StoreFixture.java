package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.core.internal.NodeRegistry;
import io.mcsessions.core.internal.SessionEnvelope;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts stores for a test in a registry of their own (so no node health leaks between tests) and closes them
 * after it. Short timeouts keep failure tests quick.
 */
final class StoreFixture implements AfterEachCallback {
    static final long TIMEOUT_MS = 250;
    static final long RETRY_MS = 400;
    static final String PREFIX = "t:";

    private final List<ReplicatedSessionStore> stores = new ArrayList<>();
    private final List<NodeRegistry> otherJvms = new ArrayList<>();
    private NodeRegistry registry = NodeRegistry.isolated();

    ReplicatedSessionStore start(String nodes, int redundancy) {
        return start(nodes, c -> c.setRedundancy(redundancy));
    }

    ReplicatedSessionStore start(String nodes, Consumer<StoreConfig> settings) {
        return start(nodes, settings, registry);
    }

    /**
     * A store as another JVM would have it: its own connections and node health, shared with no other store of the
     * test (stores started with {@link #start} share theirs, as the web applications of one container do).
     */
    ReplicatedSessionStore startInOtherJvm(String nodes, Consumer<StoreConfig> settings) {
        NodeRegistry own = NodeRegistry.isolated();
        otherJvms.add(own);
        return start(nodes, settings, own);
    }

    private ReplicatedSessionStore start(String nodes, Consumer<StoreConfig> settings, NodeRegistry in) {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes(nodes);
        config.setOperationTimeout(TIMEOUT_MS);
        config.setRetryInterval(RETRY_MS);
        config.setStorageKeyPrefix(PREFIX);
        config.setStoreName("/test");
        settings.accept(config);
        ReplicatedSessionStore store = ReplicatedSessionStore.start(config, in);
        stores.add(store);
        return store;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stores.forEach(ReplicatedSessionStore::close);
        stores.clear();
        otherJvms.forEach(NodeRegistry::shutdown);
        otherJvms.clear();
        registry.shutdown();
        registry = NodeRegistry.isolated();
    }

    /** A session used just now, with a 30-minute timeout. */
    static SessionRecord record(String id, long revision) {
        long now = System.currentTimeMillis();
        return new SessionRecord(id, revision, now, now, 1800, payload(revision));
    }

    static byte[] payload(long revision) {
        return ("revision " + revision).getBytes(StandardCharsets.UTF_8);
    }

    static void assertFound(LoadResult result, String id, long revision) {
        assertEquals(LoadResult.Outcome.FOUND, result.outcome(), "session " + id);
        assertEquals(revision, result.record().revision(), "revision of session " + id);
        assertEquals("revision " + revision, new String(result.record().payload(), StandardCharsets.UTF_8));
    }

    /**
     * A store on the cluster's nodes and {@code n3} at {@code third}, two copies per session, values signed (so that
     * a warning about {@code n3} is the only one); {@code sessions} sessions saved and read back, all of them stored,
     * then one read over three retry intervals, so that failed probes of {@code n3} would show if they logged.
     */
    ReplicatedSessionStore usedWithThirdNode(MemcachedCluster cluster, String third, int sessions) {
        ReplicatedSessionStore store = start(cluster.nodesString() + ",n3:" + third, c -> {
            c.setRedundancy(2);
            c.setSigningKeys("third-node-test-key");
        });
        for (int i = 0; i < sessions; i++) {
            long revision = Revisions.next(0);
            assertEquals(SaveResult.Outcome.STORED, store.save(record("s" + i, revision)).outcome());
            assertFound(store.load("s" + i), "s" + i, revision);
        }
        long until = System.nanoTime() + RETRY_MS * 3 * 1_000_000L;
        while (System.nanoTime() < until) {
            assertEquals(LoadResult.Outcome.FOUND, store.load("s1").outcome());
        }
        return store;
    }

    /** The one warning {@code logs} captured, formatted; fails when there is not exactly one. */
    static String theOneWarning(io.mcsessions.testing.LogCapture logs) {
        List<java.util.logging.LogRecord> warnings = logs.at(java.util.logging.Level.WARNING);
        assertEquals(1, warnings.size(), logs.dump());
        assertEquals(null, warnings.get(0).getThrown(), "no stack trace at WARN");
        return new java.util.logging.SimpleFormatter().formatMessage(warnings.get(0));
    }

    /** The cluster node behind a configured node id (n1 is node 0). */
    static MemcachedNode nodeOf(MemcachedCluster cluster, NodeAddress address) {
        return cluster.node(Integer.parseInt(address.id().substring(1)) - 1);
    }

    /** The nodes that hold the session's copies now. */
    static List<MemcachedNode> replicasOf(MemcachedCluster cluster, ReplicatedSessionStore store, String id) {
        return store.inspect(id).stream().filter(ReplicaInfo::preferred).map(r -> nodeOf(cluster, r.node())).toList();
    }

    /** The revision a node holds raw under the session's key (-1 when nothing or unreadable). */
    static long rawRevision(MemcachedNode node, String id) {
        byte[] value = node.get(PREFIX + id);
        if (value == null) {
            return -1;
        }
        try {
            return SessionEnvelope.decode(value).revision();
        } catch (SessionEnvelope.MalformedEnvelopeException e) {
            return -1;
        }
    }

    static NodeState stateOf(ReplicatedSessionStore store, String nodeId) {
        return store.nodes().stream().filter(n -> n.node().id().equals(nodeId)).findFirst().orElseThrow().state();
    }

    /** Every node of the store and its state, by node id: what a wait on node health shows when it gives up. */
    static Map<String, NodeState> statesOf(ReplicatedSessionStore store) {
        Map<String, NodeState> states = new LinkedHashMap<>();
        store.nodes().forEach(n -> states.put(n.node().id(), n.state()));
        return states;
    }

    /**
     * {@code value}, read after ten loads through the store, of keys that differ from poll to poll so that every node
     * gets some: like the client library, the store notices a dead connection when it uses it, not while it is idle.
     *
     * <pre>{@code
     * await("n1 is down").atMost(Duration.ofSeconds(2))
     *         .until(withTraffic(store, () -> stateOf(store, "n1")), is(NodeState.DOWN));
     * }</pre>
     */
    static <T> Callable<T> withTraffic(ReplicatedSessionStore store, Supplier<T> value) {
        AtomicInteger request = new AtomicInteger();
        return () -> {
            for (int i = 0; i < 10; i++) {
                store.load("traffic-" + request.getAndIncrement());
            }
            return value.get();
        };
    }

    /**
     * The copies that do not hold the expected revision of their session, as {@code "id on node: revision"}, among
     * the preferred replicas of each session in {@code expected}: empty once every replica is repaired.
     */
    static List<String> copiesBehind(MemcachedCluster cluster, ReplicatedSessionStore store,
                                     Map<String, Long> expected) {
        List<String> behind = new ArrayList<>();
        expected.forEach((id, revision) -> {
            for (MemcachedNode node : replicasOf(cluster, store, id)) {
                long held = rawRevision(node, id);
                if (held != revision) {
                    behind.add(id + " on " + node.id() + ": " + held + " instead of " + revision);
                }
            }
        });
        return behind;
    }
}
