package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.statesOf;
import static io.mcsessions.core.StoreFixture.withTraffic;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SessionLockTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    @Test
    void aLockHeldByOneInstanceIsNotGrantedToAnotherUntilReleased() {
        ReplicatedSessionStore a = stores.start(cluster.nodesString(), 2);
        ReplicatedSessionStore b = stores.start(cluster.nodesString(), 2);
        try (SessionLock held = a.lock("s", Duration.ofSeconds(1))) {
            assertTrue(held.acquired());
            try (SessionLock refused = b.lock("s", Duration.ofMillis(100))) {
                assertFalse(refused.acquired());
            }
            assertEquals(1, logs.count(Level.WARNING, "could not lock session s… (another request held it for more "
                    + "than 100 ms); the request goes on without the lock"), logs.dump());
        }
        try (SessionLock later = b.lock("s", Duration.ofMillis(100))) {
            assertTrue(later.acquired());
        }
    }

    @Test
    void lockedReadModifyWriteFromTwoStoresLosesNoUpdate() throws Exception {
        List<ReplicatedSessionStore> instances = List.of(stores.start(cluster.nodesString(), 2),
                stores.start(cluster.nodesString(), 2));
        instances.get(0).save(counter(Revisions.next(0), 0));
        int threads = 4;
        int increments = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            ReplicatedSessionStore store = instances.get(t % 2);
            work.add(pool.submit(() -> {
                for (int i = 0; i < increments; i++) {
                    try (SessionLock lock = store.lock("counter", Duration.ofSeconds(5))) {
                        assertTrue(lock.acquired());
                        SessionRecord current = store.load("counter").record();
                        int value = Integer.parseInt(new String(current.payload(), StandardCharsets.UTF_8));
                        store.save(counter(Revisions.next(current.revision()), value + 1));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdownNow();
        SessionRecord last = instances.get(1).load("counter").record();
        assertEquals(String.valueOf(threads * increments), new String(last.payload(), StandardCharsets.UTF_8));
    }

    @Test
    void withEveryNodeDownTheLockIsNotAcquiredAndTheRequestGoesOn() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        long revision = Revisions.next(0);
        store.save(record("s", revision));
        cluster.nodes().forEach(io.mcsessions.testing.MemcachedNode::kill);
        await("degraded").atMost(Duration.ofSeconds(2)).until(withTraffic(store, store::isDegraded), is(true));
        try (SessionLock lock = store.lock("s", Duration.ofMillis(200))) {
            assertFalse(lock.acquired());
        }
        cluster.nodes().forEach(io.mcsessions.testing.MemcachedNode::restart);
        await("recovered").atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertFalse(store.isDegraded(), () -> "nodes " + statesOf(store)));
        store.save(record("s", Revisions.next(revision)));
        assertEquals(LoadResult.Outcome.FOUND, store.load("s").outcome());
    }

    /**
     * Issue 12.4: Tomcat releases the lock when the asynchronous write completes, on the thread that completes it:
     * a node's IO thread. Releasing must not wait there for an answer that only that thread can read.
     */
    @Test
    void releasingTheLockWhenAnAsynchronousWriteCompletesBlocksNoNodeThread() {
        ReplicatedSessionStore store = stores.start(cluster.node(0).address() + "," + cluster.node(1).address(), 1);
        for (int i = 0; i < 20; i++) {
            String id = "async-lock-" + i;
            SessionLock lock = store.lock(id, Duration.ofSeconds(1));
            assertTrue(lock.acquired());
            java.util.concurrent.CompletableFuture<?> released = store.saveAsync(record(id, Revisions.next(0)))
                    .whenComplete((result, failure) -> lock.close());
            released.join();
        }
        await("every lock key is gone").atMost(Duration.ofSeconds(2)).until(() -> IntStream.range(0, 20)
                .mapToObj(i -> StoreFixture.PREFIX + "async-lock-" + i + "~lock")
                .filter(key -> cluster.node(0).get(key) != null || cluster.node(1).get(key) != null).toList(),
                empty());
        for (NodeStatus node : store.nodes()) {
            assertEquals(NodeState.UP, node.state(), node.toString());
            assertEquals(0, node.timeouts(), node.toString());
        }
        assertEquals(0, logs.count(Level.WARNING, "is down"), logs.dump());
    }

    private static SessionRecord counter(long revision, int value) {
        long now = System.currentTimeMillis();
        return new SessionRecord("counter", revision, now, now, 60,
                String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
}
