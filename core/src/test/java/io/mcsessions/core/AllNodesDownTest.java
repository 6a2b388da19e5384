package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.statesOf;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Invariant 5 at the store's level: with every node down the store says "unavailable", warns once, and heals. */
class AllNodesDownTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    @Test
    void everyNodeDownMeansUnavailableAndDegradedWithOneWarningAndOneInfo() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        List<StoreEvent.Type> events = new CopyOnWriteArrayList<>();
        store.addListener(event -> events.add(event.type()));
        store.save(record("before", Revisions.next(0)));

        cluster.nodes().forEach(MemcachedNode::kill);
        Map<String, Long> savedDuringOutage = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            String id = "outage" + (i / 2 % 100);
            if (i % 2 == 0) {
                LoadResult loaded = store.load(id);
                assertEquals(LoadResult.Outcome.UNAVAILABLE, loaded.outcome(), "load " + i);
            } else {
                long revision = Revisions.next(savedDuringOutage.getOrDefault(id, 0L));
                assertEquals(SaveResult.Outcome.DEGRADED, store.save(record(id, revision)).outcome(), "save " + i);
                savedDuringOutage.put(id, revision);
            }
        }
        assertTrue(store.isDegraded(), () -> store.stats().toString());
        assertEquals(LoadResult.Outcome.UNAVAILABLE, store.load("before").outcome(), "unavailable, not absent");
        assertEquals(100, store.stats().pendingWriteBacks());

        cluster.nodes().forEach(MemcachedNode::restart);
        await("the store leaves degraded mode").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertFalse(store.isDegraded(), () -> "nodes " + statesOf(store)));
        await("sessions kept during the outage are written back").atMost(Duration.ofSeconds(10))
                .until(() -> store.stats().pendingWriteBacks(), is(0));
        savedDuringOutage.forEach((id, revision) -> assertFound(store.load(id), id, revision));

        assertEquals(1, logs.count(Level.WARNING, "no memcached node is reachable"), logs.dump());
        assertEquals(1, logs.count(Level.INFO, "memcached is reachable again"), logs.dump());
        assertEquals(1, events.stream().filter(e -> e == StoreEvent.Type.DEGRADED).count(), events.toString());
        assertEquals(1, events.stream().filter(e -> e == StoreEvent.Type.RECOVERED).count(), events.toString());
        assertEquals(3, events.stream().filter(e -> e == StoreEvent.Type.NODE_DOWN).count(), events.toString());
        // One WARN per node going down plus the one for the store (and the start's, that values are unsigned): never
        // one per operation.
        assertEquals(5, logs.at(Level.WARNING).size(), logs.dump());
    }

    @Test
    void aWriteBackNeverOverwritesANewerCopyOrATombstone() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        cluster.nodes().forEach(MemcachedNode::kill);
        long old = Revisions.next(0);
        assertEquals(SaveResult.Outcome.DEGRADED, store.save(record("raced", old)).outcome());
        assertEquals(SaveResult.Outcome.DEGRADED, store.save(record("ended", old)).outcome());
        cluster.nodes().forEach(MemcachedNode::restart);
        // Another instance writes a newer copy and ends the other session before the write-back can run.
        try (ReplicatedSessionStore other = otherInstance()) {
            long newer = Revisions.next(old);
            other.save(record("raced", newer));
            other.invalidate("ended", old, 1800);
            await("the store leaves degraded mode").atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertFalse(store.isDegraded(), () -> "nodes " + statesOf(store)));
            await("write-back is done").atMost(Duration.ofSeconds(10))
                    .until(() -> store.stats().pendingWriteBacks(), is(0));
            assertFound(store.load("raced"), "raced", newer);
            assertEquals(LoadResult.Outcome.ABSENT, store.load("ended").outcome());
        }
    }

    private static ReplicatedSessionStore otherInstance() {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes(cluster.nodesString());
        config.setStorageKeyPrefix(StoreFixture.PREFIX);
        config.setOperationTimeout(StoreFixture.TIMEOUT_MS);
        return ReplicatedSessionStore.start(config, io.mcsessions.core.internal.NodeRegistry.isolated());
    }
}
