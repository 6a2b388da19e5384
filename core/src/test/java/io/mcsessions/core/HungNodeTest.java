package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.stateOf;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Invariant 4: a hung node makes a bounded number of operations wait the full operation timeout.
 *
 * <p>The documented bound: an operation that times out while the node has answered nothing since it was sent
 * takes the node down at once, so only the operations already waiting on the node at that moment wait the
 * full timeout: for one caller at most 2 (a read that was waiting plus a write whose replica ack was still
 * outstanding). Operations sent later and still
 * waiting when the node goes down are released at that moment.
 */
class HungNodeTest {
    private static final int OPERATIONS = 300;

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @Test
    void aPausedNodeDelaysAtMostTwoOperationsAndIsProbedOncePerRetryInterval() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        for (int i = 0; i < OPERATIONS; i++) {
            store.save(record("s" + i, Revisions.next(0)));
        }
        MemcachedNode hung = cluster.node(0);
        long getsBefore = Long.parseLong(hung.stats().get("cmd_get"));
        long connectionsBefore = Long.parseLong(hung.stats().get("total_connections"));

        hung.pause();
        long pausedAt = System.nanoTime();
        int fullWaits = 0;
        NodeState afterFirstFullWait = null;
        for (int i = 0; i < OPERATIONS; i++) {
            long start = System.nanoTime();
            LoadResult loaded = store.load("s" + i);
            SaveResult saved = store.save(record("s" + i, Revisions.next(loaded.record().revision())));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(SaveResult.Outcome.STORED, saved.outcome());
            if (tookMillis >= StoreFixture.TIMEOUT_MS * 9 / 10) {
                fullWaits++;
                if (afterFirstFullWait == null) {
                    // Read now, not after the loop: once the retry interval passes the node is PROBING, and the
                    // loop can outlast the interval on a slow machine.
                    afterFirstFullWait = stateOf(store, "n1");
                }
            }
        }
        assertTrue(fullWaits >= 1 && fullWaits <= 2, "operations that waited the full timeout: " + fullWaits);
        assertEquals(NodeState.DOWN, afterFirstFullWait,
                "n1 right after the operation that waited the full timeout");
        // Keep it paused over several retry intervals while requests keep coming.
        long until = pausedAt + TimeUnit.MILLISECONDS.toNanos(StoreFixture.RETRY_MS * 4);
        int more = 0;
        while (System.nanoTime() < until) {
            store.load("s" + (more++ % OPERATIONS));
        }
        long pausedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt);

        hung.resume();
        long resumedAt = System.nanoTime();
        await("n1 is back up").atMost(Duration.ofSeconds(5)).until(() -> stateOf(store, "n1"), is(NodeState.UP));
        long backAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumedAt);
        assertTrue(backAfterMillis <= StoreFixture.RETRY_MS + StoreFixture.TIMEOUT_MS + 500,
                "back after " + backAfterMillis + " ms");

        // A hung node accepts connections (the kernel does): probing must not dial it again and again.
        long dialsWhileDown = Long.parseLong(hung.stats().get("total_connections")) - connectionsBefore;
        assertTrue(dialsWhileDown <= pausedMillis / StoreFixture.RETRY_MS + 3, "the hung node was dialled "
                + dialsWhileDown + " times over " + pausedMillis + " ms; expected at most one dial per interval");
        long getsWhileDown = Long.parseLong(hung.stats().get("cmd_get")) - getsBefore;
        long probesAllowed = pausedMillis / StoreFixture.RETRY_MS + 2;
        assertTrue(getsWhileDown <= 2 + probesAllowed, "the hung node received " + getsWhileDown + " reads over "
                + pausedMillis + " ms while " + more + " loads ran; expected at most 2 plus one probe per interval");
    }

    @Test
    void operationsWaitingOnANodeWhenItIsTakenDownAreReleasedAtOnce() throws Exception {
        long timeoutMillis = 2_000;
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), c -> {
            c.setRedundancy(2);
            c.setOperationTimeout(timeoutMillis);
        });
        MemcachedNode hung = cluster.node(0);
        List<String> onHungNode = new ArrayList<>();
        Map<String, Long> revisions = new HashMap<>();
        for (int i = 0; onHungNode.size() < 2; i++) {
            String id = "w" + i;
            revisions.put(id, Revisions.next(0));
            store.save(record(id, revisions.get(id)));
            if (StoreFixture.replicasOf(cluster, store, id).contains(hung)) {
                onHungNode.add(id);
            }
        }

        hung.pause();
        CompletableFuture<Long> first = loadedAt(store, onHungNode.get(0), revisions);
        Thread.sleep(timeoutMillis / 2);
        CompletableFuture<Long> second = loadedAt(store, onHungNode.get(1), revisions);

        // The first load's timeout takes the node down (nothing answered since it was sent). The second load was
        // sent half a timeout later: it must not wait out its own timeout on a node that is already down.
        long firstDone = first.get(10, TimeUnit.SECONDS);
        long secondDone = second.get(10, TimeUnit.SECONDS);
        assertEquals(NodeState.DOWN, stateOf(store, "n1"));
        long secondWaitedMillis = TimeUnit.NANOSECONDS.toMillis(secondDone - firstDone);
        assertTrue(secondWaitedMillis < timeoutMillis / 4, "the second load ended " + secondWaitedMillis
                + " ms after the node went down");
    }

    /** Loads the session on another thread; completes with the time it was found (fails if it was not). */
    private static CompletableFuture<Long> loadedAt(ReplicatedSessionStore store, String id,
                                                    Map<String, Long> revisions) {
        return CompletableFuture.supplyAsync(() -> {
            LoadResult loaded = store.load(id);
            StoreFixture.assertFound(loaded, id, revisions.get(id));
            return System.nanoTime();
        });
    }
}
