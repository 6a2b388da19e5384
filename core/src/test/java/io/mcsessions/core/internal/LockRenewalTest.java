package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.NodeAddress;
import io.mcsessions.core.SessionLock;
import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 12.9: a lock held through a long request is renewed before it expires, and only while it is held. */
class LockRenewalTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(1);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final NodeRegistry registry = NodeRegistry.isolated();
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        maintenance.shutdownNow();
        registry.shutdown();
    }

    @Test
    void aLockHeldLongerThanAThirdOfItsExpiryIsRenewedAndAReleasedOneIsNot() throws Exception {
        NodeAddress address = new NodeAddress("n1", cluster.node(0).host(), cluster.node(0).port());
        SharedNode node = registry.acquire(address, new NodeSettings(500, 1000, null, null));
        node.firstConnection().get(2, TimeUnit.SECONDS);
        List<StoreNode> nodes = List.of(new StoreNode(address, node));
        SessionKeys keys = new SessionKeys("r:");
        StoreClock storeClock = new StoreClock(System::currentTimeMillis, clock::get);
        Replication replication = new Replication(nodes, new ReplicationSettings(1, 500, 1 << 20, "/t", "w"), keys,
                new StoreCounters(), null, storeClock);
        SessionLocks locks = new SessionLocks(replication, keys, new StoreCounters(), 500, "/t", storeClock,
                maintenance);
        String lockKey = keys.lockKey("long");

        SessionLock lock = locks.lock("long", Duration.ofSeconds(1));
        assertTrue(lock.acquired());
        long taken = casOf(node, lockKey);

        locks.renewOldLocks(); // not old yet
        assertEquals(taken, casOf(node, lockKey), "renewed too early");

        clock.addAndGet(SessionLocks.RENEW_AFTER_NANOS);
        locks.renewOldLocks();
        awaitCasChange(node, lockKey, taken);
        assertEquals(1, locks.heldCount());

        lock.close();
        assertEquals(0, locks.heldCount());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (node.call(c -> c.gets(lockKey), 500).get() != null) {
            assertTrue(System.nanoTime() < deadline, "the released lock key is still there");
            Thread.sleep(5);
        }
    }

    private static long casOf(SharedNode node, String key) throws Exception {
        return node.call(c -> c.gets(key), 500).get().cas();
    }

    private static void awaitCasChange(SharedNode node, String key, long before) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (casOf(node, key) == before) {
            assertTrue(System.nanoTime() < deadline, "the old lock was not renewed");
            Thread.sleep(5);
        }
        assertNotEquals(before, casOf(node, key));
    }
}
