package io.mcsessions.core;

import static io.mcsessions.testing.Polling.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.internal.SessionEnvelope;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Invariant 10 (issue 12.7): two writers never produce two different copies under one revision, and copies that
 * diverge anyway converge on reads: every reader picks the same copy, and the others are repaired to it.
 */
class DivergentCopiesTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(2);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @Test
    void copiesWithEqualRevisionAndSaveTimeButDifferentPayloadsConvergeAfterTwoLoads() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        long revision = Revisions.next(0);
        long savedAt = System.currentTimeMillis();
        byte[] first = SessionEnvelope.session(revision, savedAt, savedAt, savedAt, 1800, "w",
                "written on A".getBytes(StandardCharsets.UTF_8)).encode();
        byte[] second = SessionEnvelope.session(revision, savedAt, savedAt, savedAt, 1800, "w",
                "written on B".getBytes(StandardCharsets.UTF_8)).encode();
        MemcachedNode n1 = cluster.node(0);
        MemcachedNode n2 = cluster.node(1);
        n1.set(StoreFixture.PREFIX + "split", first, 1800);
        n2.set(StoreFixture.PREFIX + "split", second, 1800);

        LoadResult one = store.load("split");
        LoadResult two = store.load("split");
        assertTrue(one.isFound() && two.isFound(), one + " / " + two);
        assertArrayEquals(one.record().payload(), two.record().payload(), "two loads chose different copies");
        await("both nodes hold the same bytes").atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> assertArrayEquals(n1.get(StoreFixture.PREFIX + "split"),
                        n2.get(StoreFixture.PREFIX + "split"), "n1's copy and n2's"));
    }

    @Test
    void revisionsFromOneJvmAreUniqueEvenFromTheSamePreviousRevisionInTheSameMillisecond() throws Exception {
        int threads = 8;
        int each = 2_000;
        long previous = Revisions.next(0);
        Set<Long> issued = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < threads; t++) {
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        long next = Revisions.next(previous);
                        assertTrue(next > previous);
                        issued.add(next);
                    }
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
        assertEquals(threads * each, issued.size(), "revisions issued twice");
    }

    @Test
    void revisionsOfTwoWritersStartingFromTheSameRevisionDiffer() {
        long previous = Revisions.next(0);
        Set<Long> seen = new HashSet<>();
        for (int writer : List.of(3, 700)) {
            seen.add(Revisions.next(previous, writer, System.currentTimeMillis()));
        }
        assertEquals(2, seen.size());
    }
}
