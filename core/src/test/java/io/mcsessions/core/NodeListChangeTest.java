package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.rawRevision;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.withTraffic;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node list changes at run time (issue 15.6): a node is added and an original one removed (then killed) under
 * traffic on two instances that apply each change at different moments, with no session lost and no stale read;
 * the added node takes its share, the removed one is released once the settle window ends.
 */
class NodeListChangeTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(4);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private static String nodes(int... indexes) {
        return IntStream.of(indexes).mapToObj(i -> cluster.node(i).id() + ":" + cluster.node(i).address())
                .collect(Collectors.joining(","));
    }

    /**
     * Sessions read and written by several threads, alternately on two instances; each session belongs to one
     * thread, so every load must return exactly the revision last acknowledged for it.
     */
    private static final class Traffic implements AutoCloseable {
        private final List<ReplicatedSessionStore> instances;
        private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        private final List<String> problems = new CopyOnWriteArrayList<>();
        private final AtomicLong operations = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final ExecutorService pool;
        private final List<Future<?>> workers = new ArrayList<>();

        Traffic(List<ReplicatedSessionStore> instances, int threads, int sessionsPerThread) {
            this.instances = instances;
            this.pool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                List<String> own = new ArrayList<>();
                for (int s = 0; s < sessionsPerThread; s++) {
                    own.add("busy-" + t + "-" + s);
                }
                workers.add(pool.submit(() -> run(own)));
            }
        }

        private void run(List<String> own) {
            for (long i = 0; !stop.get(); i++) {
                String id = own.get((int) (i % own.size()));
                ReplicatedSessionStore reader = instances.get((int) (i % 2));
                ReplicatedSessionStore writer = instances.get((int) ((i + 1) % 2));
                Long last = acknowledged.get(id);
                long base = 0;
                if (last != null) {
                    LoadResult loaded = reader.load(id);
                    if (loaded.outcome() != LoadResult.Outcome.FOUND) {
                        problems.add(id + " lost: " + loaded.outcome() + " after revision " + last);
                        continue;
                    }
                    if (loaded.record().revision() != last) {
                        problems.add(id + " stale: revision " + loaded.record().revision() + " read, " + last
                                + " acknowledged");
                    }
                    base = Math.max(last, loaded.record().revision());
                }
                long next = Revisions.next(base);
                SaveResult saved = writer.save(record(id, next));
                if (saved.isStored()) {
                    acknowledged.put(id, next);
                } else {
                    problems.add(id + " not saved: " + saved);
                }
                operations.incrementAndGet();
            }
        }

        /** Waits until {@code count} more operations have completed while something else happens. */
        void runFor(long count) {
            long target = operations.get() + count;
            await(count + " more operations").atMost(Duration.ofSeconds(60))
                    .until(operations::get, greaterThanOrEqualTo(target));
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }
    }

    @Test
    void aNodeAddedAndAnotherRemovedAndKilledUnderTrafficLoseNoSessionAndServeNoStaleRead() throws Exception {
        ReplicatedSessionStore a = stores.start(nodes(0, 1, 2), 2);
        ReplicatedSessionStore b = stores.startInOtherJvm(nodes(0, 1, 2), c -> c.setRedundancy(2));
        List<StoreEvent> events = new CopyOnWriteArrayList<>();
        a.addListener(events::add);
        // Sessions written before the changes and not used until the end: they are never re-placed by traffic.
        Map<String, Long> idle = new ConcurrentHashMap<>();
        for (int i = 0; i < 40; i++) {
            long revision = Revisions.next(0);
            assertTrue(a.save(record("idle-" + i, revision)).isStored());
            idle.put("idle-" + i, revision);
        }
        MemcachedNode added = cluster.node(3);
        MemcachedNode removed = cluster.node(0);

        Map<String, Long> acknowledged;
        try (Traffic traffic = new Traffic(List.of(a, b), 4, 10)) {
            traffic.runFor(200);
            a.setMemcachedNodes(nodes(0, 1, 2, 3));
            traffic.runFor(200); // a writes to n4 while b still knows only n1..n3
            b.setMemcachedNodes(nodes(0, 1, 2, 3));
            traffic.runFor(200);
            b.setMemcachedNodes(nodes(1, 2, 3)); // this time b first
            traffic.runFor(200);
            a.setMemcachedNodes(nodes(1, 2, 3));
            traffic.runFor(200);
            removed.kill();
            traffic.runFor(400);
            traffic.close();
            assertEquals(List.of(), traffic.problems, "lost or stale sessions");
            acknowledged = Map.copyOf(traffic.acknowledged);
        }
        assertEquals(40, acknowledged.size());
        for (var session : acknowledged.entrySet()) {
            assertFound(a.load(session.getKey()), session.getKey(), session.getValue());
            assertFound(b.load(session.getKey()), session.getKey(), session.getValue());
        }
        for (var session : idle.entrySet()) {
            assertFound(b.load(session.getKey()), session.getKey(), session.getValue());
        }
        long onAdded = acknowledged.keySet().stream().filter(id -> rawRevision(added, id) > 0).count();
        assertTrue(onAdded >= 10, "the added node holds copies of " + onAdded + " of 40 busy sessions");

        assertEquals(nodes(1, 2, 3), a.memcachedNodes());
        assertEquals(List.of("n2", "n3", "n4"), a.nodes().stream().map(n -> n.node().id()).toList());
        assertEquals(List.of("n1"), a.retiringNodes().stream().map(n -> n.node().id()).toList(),
                "the removed node is consulted until the settle window ends");
        a.completeNodeChanges().get(10, TimeUnit.SECONDS);
        b.completeNodeChanges().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), a.retiringNodes());
        for (var session : acknowledged.entrySet()) {
            assertFound(a.load(session.getKey()), session.getKey(), session.getValue());
        }
        for (var session : idle.entrySet()) {
            assertFound(a.load(session.getKey()), session.getKey(), session.getValue());
        }
        assertEquals(List.of(StoreEvent.Type.NODES_CHANGED, StoreEvent.Type.NODES_CHANGED,
                        StoreEvent.Type.NODES_RELEASED),
                events.stream().map(StoreEvent::type).filter(t -> t.name().startsWith("NODES_")).toList());
        // a and b, in one JVM here, each log their own
        assertEquals(4, logs.count(Level.INFO, "/test - memcached nodes changed to"), logs.dump());
        assertEquals(2, logs.count(Level.INFO, "/test - node list change complete: no longer using n1 ("
                + removed.address() + ")"), logs.dump());
    }

    /**
     * Every node replaced at once: the old and the new replicas of a session have no node in common, so only the
     * transition (reads of both lists, writes to both) keeps the instance that applied the change and the one that
     * has not yet from reading each other's older copies. Sessions are re-placed as they are used; once the change
     * is complete the old nodes are stopped.
     */
    @Test
    void everyNodeReplacedAtOnceUnderTrafficWhileOneInstanceLagsServesNoStaleRead() throws Exception {
        ReplicatedSessionStore a = stores.start(nodes(0, 1), 2);
        ReplicatedSessionStore b = stores.startInOtherJvm(nodes(0, 1), c -> c.setRedundancy(2));
        Map<String, Long> idle = new ConcurrentHashMap<>();
        for (int i = 0; i < 20; i++) {
            long revision = Revisions.next(0);
            assertTrue(a.save(record("idle-" + i, revision)).isStored());
            idle.put("idle-" + i, revision);
        }
        Map<String, Long> acknowledged;
        try (Traffic traffic = new Traffic(List.of(a, b), 4, 10)) {
            traffic.runFor(200);
            a.setMemcachedNodes(nodes(2, 3));
            traffic.runFor(400); // a reads and writes n3 and n4, b still n1 and n2
            for (var session : idle.entrySet()) { // used once meanwhile: re-placed
                assertFound(a.load(session.getKey()), session.getKey(), session.getValue());
            }
            b.setMemcachedNodes(nodes(2, 3));
            traffic.runFor(200);
            traffic.close();
            assertEquals(List.of(), traffic.problems, "lost or stale sessions");
            acknowledged = Map.copyOf(traffic.acknowledged);
        }
        a.completeNodeChanges().get(10, TimeUnit.SECONDS);
        b.completeNodeChanges().get(10, TimeUnit.SECONDS);
        cluster.node(0).kill();
        cluster.node(1).kill();
        for (var session : acknowledged.entrySet()) {
            assertFound(b.load(session.getKey()), session.getKey(), session.getValue());
        }
        for (var session : idle.entrySet()) {
            assertFound(b.load(session.getKey()), session.getKey(), session.getValue());
        }
        assertEquals(List.of(NodeState.UP, NodeState.UP), b.nodes().stream().map(NodeStatus::state).toList(),
                "the stopped nodes are no longer used");
    }

    @Test
    void anInstanceThatAppliedTheChangeAndOneThatHasNotYetShareEachLock() {
        ReplicatedSessionStore changed = stores.start(nodes(0, 1, 2), 2);
        ReplicatedSessionStore notYet = stores.startInOtherJvm(nodes(0, 1, 2), c -> c.setRedundancy(2));
        changed.setMemcachedNodes(nodes(1, 2, 3));
        for (int i = 0; i < 20; i++) {
            String id = "locked-" + i;
            try (SessionLock held = changed.lock(id, Duration.ofSeconds(1))) {
                assertTrue(held.acquired());
                try (SessionLock other = notYet.lock(id, Duration.ofMillis(50))) {
                    assertFalse(other.acquired(), "both instances hold the lock of " + id);
                }
            }
            try (SessionLock held = notYet.lock(id, Duration.ofSeconds(1))) {
                assertTrue(held.acquired(), "the lock of " + id + " was not released");
                try (SessionLock other = changed.lock(id, Duration.ofMillis(50))) {
                    assertFalse(other.acquired(), "both instances hold the lock of " + id);
                }
            }
        }
    }

    @Test
    void anInvalidNodeListIsRefusedWithTheRuleAndTheValueAndChangesNothing() {
        ReplicatedSessionStore store = stores.start(nodes(0, 1, 2), 2);
        ConfigurationException badPort = assertThrows(ConfigurationException.class,
                () -> store.setMemcachedNodes("n1:127.0.0.1:99999"));
        assertEquals("memcachedNodes ports must be between 1 and 65535, but was '99999' in 'n1:127.0.0.1:99999'",
                badPort.getMessage());
        ConfigurationException tooFew = assertThrows(ConfigurationException.class,
                () -> store.setMemcachedNodes(nodes(1)));
        assertEquals("memcachedNodes must name at least as many nodes as redundancy (2), but " + nodes(1)
                + " names 1", tooFew.getMessage());
        assertThrows(ConfigurationException.class, () -> store.setMemcachedNodes(" "));
        assertEquals(nodes(0, 1, 2), store.memcachedNodes());

        store.setMemcachedNodes(nodes(2, 1, 0)); // the same nodes in another order: nothing changes
        assertEquals(nodes(0, 1, 2), store.memcachedNodes());
        assertEquals(0, logs.count(Level.INFO, "memcached nodes changed"), logs.dump());
    }

    @Test
    void aNodeAddedWhileDownIsUsedOnceItStarts() {
        ReplicatedSessionStore store = stores.start(nodes(0, 1), 2);
        MemcachedNode added = cluster.node(2);
        added.kill();
        store.setMemcachedNodes(nodes(0, 1, 2));
        assertEquals(NodeState.DOWN, StoreFixture.stateOf(store, "n3"));
        for (int i = 0; i < 20; i++) {
            assertTrue(store.save(record("s" + i, Revisions.next(0))).isStored());
        }
        added.start();
        await("n3 is up").atMost(Duration.ofSeconds(5))
                .until(withTraffic(store, () -> StoreFixture.stateOf(store, "n3")), is(NodeState.UP));
        long revision = Revisions.next(Revisions.next(0));
        for (int i = 0; i < 20; i++) {
            assertTrue(store.save(record("s" + i, revision)).isStored());
        }
        long onAdded = IntStream.range(0, 20).filter(i -> rawRevision(added, "s" + i) == revision).count();
        assertTrue(onAdded > 0, "the node added while down holds no copy after it started");
    }
}
