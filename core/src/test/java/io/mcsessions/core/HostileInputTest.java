package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ids that are no valid memcached keys and values larger than memcached takes. */
class HostileInputTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    @ParameterizedTest
    @ValueSource(strings = {"with space", "crlf\r\nset injected 0 0 1\r\nX", "nul\u0000byte", "ünïcödé-σ", "",
            "~lock"})
    void idsThatAreNoValidKeysRoundTripWithoutReachingMemcachedRaw(String id) {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        long revision = Revisions.next(0);
        assertEquals(SaveResult.Outcome.STORED, store.save(record(id, revision)).outcome());
        assertFound(store.load(id), id, revision);
        cluster.nodes().forEach(node -> assertNull(node.get("injected"), "nothing was injected"));
        assertEquals(LoadResult.Outcome.ABSENT, store.load(id + "x").outcome());
    }

    @Test
    void aFourKilobyteIdRoundTrips() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        String id = "x".repeat(4096);
        long revision = Revisions.next(0);
        assertEquals(SaveResult.Outcome.STORED, store.save(record(id, revision)).outcome());
        assertFound(store.load(id), id, revision);
        store.invalidate(id, revision, 60);
        assertEquals(LoadResult.Outcome.ABSENT, store.load(id).outcome());
    }

    @Test
    void aSessionOverMaxValueSizeIsRejectedWithAWarningNamingSizeAndLimit() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        byte[] big = new byte[2 * 1024 * 1024];
        SaveResult result = store.save(new SessionRecord("big", Revisions.next(0), System.currentTimeMillis(),
                System.currentTimeMillis(), 60, big));
        assertEquals(SaveResult.Outcome.REJECTED, result.outcome());
        assertTrue(result.detail().contains("over maxValueSize (1048576 bytes)"), result.detail());
        assertEquals(1, logs.count(Level.WARNING, "bytes serialized, over maxValueSize (1048576 bytes); it stays "
                + "only in this container"), logs.dump());
        assertEquals(LoadResult.Outcome.ABSENT, store.load("big").outcome());
    }

    @Test
    void aValueMemcachedRefusesAsTooLargeIsRejectedAndTheNodesStayUp() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), c -> c.setMaxValueSize(8 * 1024 * 1024));
        byte[] big = new byte[3 * 1024 * 1024]; // over memcached's default 1 MiB item size
        SaveResult result = store.save(new SessionRecord("big", Revisions.next(0), System.currentTimeMillis(),
                System.currentTimeMillis(), 60, big));
        assertEquals(SaveResult.Outcome.REJECTED, result.outcome(), result.toString());
        assertTrue(result.detail().contains("item size limit"), result.detail());
        store.nodes().forEach(node -> assertEquals(NodeState.UP, node.state(), node.toString()));
        long revision = Revisions.next(0);
        assertEquals(SaveResult.Outcome.STORED, store.save(record("small", revision)).outcome());
    }
}
