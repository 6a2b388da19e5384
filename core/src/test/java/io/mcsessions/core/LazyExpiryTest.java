package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14.2: requests that only read a session cost no memcached operation, and its timeout still holds exactly
 * on every instance: one idle just under its timeout since its last use is there, one idle past it is not.
 */
class LazyExpiryTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private static long operations() {
        long sum = 0;
        for (MemcachedNode node : cluster.nodes()) {
            var stats = node.stats();
            for (String counter : new String[] {"cmd_get", "cmd_set", "cmd_touch", "delete_hits", "delete_misses"}) {
                sum += Long.parseLong(stats.getOrDefault(counter, "0"));
            }
        }
        return sum;
    }

    @Test
    void usesThatChangeNothingCostNoOperationWhileTheSessionIsFarFromItsTimeout() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        long now = System.currentTimeMillis();
        long revision = Revisions.next(0);
        store.save(new SessionRecord("read-only", revision, now, now, 1800, StoreFixture.payload(revision)));
        long before = operations();
        for (int i = 0; i < 200; i++) {
            store.accessed("read-only", System.currentTimeMillis(), now, 1800, () -> { });
        }
        long operations = operations() - before;
        // At most the heartbeat of an idle connection, one per node: never one per use.
        assertTrue(operations <= cluster.size(), operations + " memcached operations for 200 uses that changed nothing");
    }

    @Test
    void aSessionUsedWithoutChangesExpiresOneTimeoutAfterItsLastUseOnAnotherInstance() throws Exception {
        int timeout = 4;
        ReplicatedSessionStore here = stores.start(cluster.nodesString(), 2);
        ReplicatedSessionStore there = stores.startInOtherJvm(cluster.nodesString(), c -> c.setRedundancy(2));
        long written = System.currentTimeMillis();
        long revision = Revisions.next(0);
        here.save(new SessionRecord("idle", revision, written, written, timeout, StoreFixture.payload(revision)));

        Thread.sleep(1_500);
        long lastUse = System.currentTimeMillis();
        here.accessed("idle", lastUse, written, timeout, () -> { }); // then nobody uses it again

        sleepUntil(lastUse + timeout * 1000L - 800); // just under its timeout since its last use
        assertFound(there.load("idle"), "idle", revision);
        sleepUntil(lastUse + timeout * 1000L + Math.max(1_500, 0)); // past it, and past the clock slack
        assertEquals(LoadResult.Outcome.ABSENT, there.load("idle").outcome());
    }

    private static void sleepUntil(long epochMillis) throws InterruptedException {
        long left = epochMillis - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }
}
