package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.rawRevision;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.stateOf;
import static io.mcsessions.core.StoreFixture.withTraffic;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.StoreStats.Counter;
import io.mcsessions.core.internal.NodeRegistry;
import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Events, counters, operator mark-down, and node health shared by every store in the JVM. */
class OperatorAndEventsTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    @Test
    void listenersHearANodeGoDownAndComeBackAndOneThatThrowsBreaksNothing() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        List<StoreEvent> events = new CopyOnWriteArrayList<>();
        store.addListener(event -> {
            throw new IllegalStateException("a broken listener");
        });
        store.addListener(events::add);

        cluster.node(1).kill();
        await("n2 is down").atMost(Duration.ofSeconds(2))
                .until(withTraffic(store, () -> stateOf(store, "n2")), is(NodeState.DOWN));
        long revision = Revisions.next(0);
        assertEquals(SaveResult.Outcome.STORED, store.save(record("s", revision)).outcome());
        cluster.node(1).restart();
        await("n2 is back up").atMost(Duration.ofSeconds(5)).until(() -> stateOf(store, "n2"), is(NodeState.UP));
        // The state changes first, then the thread that changed it tells the listeners.
        await("the listeners heard it").atMost(Duration.ofSeconds(5))
                .until(() -> events, hasSize(greaterThanOrEqualTo(2)));

        assertEquals(List.of(StoreEvent.Type.NODE_DOWN, StoreEvent.Type.NODE_UP),
                events.stream().map(StoreEvent::type).toList());
        assertEquals("n2", events.get(0).node().id());
        assertEquals("/test", events.get(0).store());
        assertTrue(logs.count(Level.WARNING, "store listener") >= 2, logs.dump());
        assertFound(store.load("s"), "s", revision);
    }

    @Test
    void aNodeMarkedDownByHandGetsNoTrafficUntilMarkedUp() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        store.markNodeDown("n1");
        assertEquals(NodeState.MARKED_DOWN, stateOf(store, "n1"));
        for (int i = 0; i < 100; i++) {
            store.save(record("s" + i, Revisions.next(0)));
        }
        for (int i = 0; i < 100; i++) {
            assertEquals(-1, rawRevision(cluster.node(0), "s" + i), "n1 got no copy of s" + i);
        }
        store.markNodeUp("n1");
        await("n1 is back up").atMost(Duration.ofSeconds(5)).until(() -> stateOf(store, "n1"), is(NodeState.UP));
        assertEquals(1, logs.count(Level.WARNING, "memcached node n1 (" + cluster.node(0).address()
                + ") was marked down by an operator"), logs.dump());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> store.markNodeDown("n9"));
        assertEquals("no memcached node has the id 'n9'; the nodes are [n1, n2, n3]", unknown.getMessage());
    }

    @Test
    void storesInOneJvmShareNodeHealthSoANodeLossIsOneWarning() {
        ReplicatedSessionStore first = stores.start(cluster.nodesString(), 2);
        // The same addresses under other ids, as another web application might name them.
        String renamed = cluster.nodesString().replace("n1:", "a:").replace("n2:", "b:").replace("n3:", "c:");
        ReplicatedSessionStore second = stores.start(renamed, c -> c.setStoreName("/other"));
        cluster.node(2).kill();
        await("both see n3 down").atMost(Duration.ofSeconds(2))
                .until(withTraffic(first, () -> List.of(stateOf(first, "n3"), stateOf(second, "c"))),
                        everyItem(is(NodeState.DOWN)));
        for (int i = 0; i < 200; i++) {
            first.save(record("f" + i, Revisions.next(0)));
            second.save(record("s" + i, Revisions.next(0)));
        }
        assertEquals(1, logs.count(Level.WARNING, "is down"), logs.dump());
    }

    @Test
    void countersTellWhatHappened() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        long revision = Revisions.next(0);
        store.save(record("a", revision));
        store.load("a");
        store.load("missing");
        assertTrue(store.touch("a", 60));
        store.invalidate("a", revision, 60);
        StoreStats stats = store.stats();
        assertEquals(1, stats.count(Counter.SAVE_STORED));
        assertEquals(1, stats.count(Counter.LOAD_FOUND));
        assertEquals(1, stats.count(Counter.LOAD_ABSENT));
        assertEquals(1, stats.count(Counter.TOUCH));
        assertEquals(1, stats.count(Counter.INVALIDATE));
        assertEquals(1L, stats.counters().get("saveStored"), "JMX and status pages show the counters by name");
        assertEquals(3, store.stats().nodes().size());
        assertTrue(store.stats().nodes().stream().allMatch(n -> n.operations() > 0));
    }

    @Test
    void theJvmRegistryClosesANodeWhenItsLastStoreCloses() {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes(cluster.nodesString());
        try (ReplicatedSessionStore a = ReplicatedSessionStore.start(config)) {
            StoreConfig other = new StoreConfig();
            other.setMemcachedNodes(cluster.nodesString());
            try (ReplicatedSessionStore b = ReplicatedSessionStore.start(other, NodeRegistry.jvm())) {
                long revision = Revisions.next(0);
                b.save(record("shared", revision));
                assertFound(a.load("shared"), "shared", revision);
            }
            assertEquals(LoadResult.Outcome.FOUND, a.load("shared").outcome(), "closing b left a's nodes open");
        }
    }
}
