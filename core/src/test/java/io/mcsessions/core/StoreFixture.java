package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.mcsessions.core.internal.NodeRegistry;
import io.mcsessions.core.internal.SessionEnvelope;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
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

    /**
     * Polls until the condition holds while sending requests through the store: like the client library, the
     * store notices a dead connection when it uses it, not while it is idle.
     */
    static void awaitWithTraffic(ReplicatedSessionStore store, String what, long timeoutMillis,
                                 BooleanSupplier condition) {
        int[] request = {0};
        await(what, timeoutMillis, () -> {
            for (int i = 0; i < 10; i++) { // different keys, so that every node gets some
                store.load("traffic-" + request[0]++);
            }
            return condition.getAsBoolean();
        });
    }

    /** Polls until the condition holds; fails after the deadline. Used instead of sleeps. */
    static void await(String what, long timeoutMillis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeoutMillis + " ms waiting until " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting until " + what);
            }
        }
    }
}
