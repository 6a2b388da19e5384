package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.LoadResult;
import io.mcsessions.core.NodeAddress;
import io.mcsessions.core.Revisions;
import io.mcsessions.core.SessionLock;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.StoreEvent;
import io.mcsessions.core.StoreStats.Counter;
import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17.4: time comes from the store's injected clock, not the system's. Each test sets a clock the system clock
 * would disagree with, so it fails where a piece reads the system clock instead.
 */
class InjectedClockTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(1);

    /** 2024-06-01T00:00:00Z: long past, so a copy written then with a 30 minute timeout is expired by the system. */
    private static final long PAST_MILLIS = 1_717_200_000_000L;

    private final AtomicLong wall = new AtomicLong(PAST_MILLIS);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final StoreClock clock = new StoreClock(wall::get, nanos::get);
    private final NodeRegistry registry = NodeRegistry.isolated();
    private final ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor();
    private final SessionKeys keys = new SessionKeys("clock:");
    private final StoreCounters counters = new StoreCounters();
    private SharedNode node;
    private Replication replication;

    @BeforeEach
    void connect() throws Exception {
        NodeAddress address = new NodeAddress("n1", cluster.node(0).host(), cluster.node(0).port());
        node = registry.acquire(address, new NodeSettings(500, 1000, null, null));
        node.firstConnection().get(2, TimeUnit.SECONDS);
        replication = new Replication(List.of(new StoreNode(address, node)),
                new ReplicationSettings(1, 500, 1 << 20, "/clock", "w"), keys, counters, null, clock);
    }

    @AfterEach
    void stop() {
        maintenance.shutdownNow();
        registry.shutdown();
    }

    @Test
    void aLockWaitEndsWhenTheInjectedClockPassesItsDeadlineNotTheSystemClock() {
        SessionLocks locks = new SessionLocks(replication, keys, counters, 500, "/clock", clock, maintenance);
        SessionLock holder = locks.lock("busy", Duration.ofSeconds(1));
        assertTrue(holder.acquired());
        // Every look at the clock is 10 s later: a 30 s wait is over after a few tries, in milliseconds of real time.
        StoreClock fast = new StoreClock(wall::get, () -> nanos.addAndGet(TimeUnit.SECONDS.toNanos(10)));
        SessionLocks waiting = new SessionLocks(replication, keys, counters, 500, "/clock", fast, maintenance);

        long started = System.nanoTime();
        SessionLock second = waiting.lock("busy", Duration.ofSeconds(30));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertFalse(second.acquired());
        assertEquals(1, counters.get(Counter.LOCK_TIMEOUT));
        assertTrue(tookMillis < 5_000, "the wait took " + tookMillis + " ms of real time: it followed the system "
                + "clock, not the injected one");
        holder.close();
    }

    @Test
    void copiesAndTombstonesCarryTheInjectedWallClockAndLiveByIt() throws Exception {
        String key = keys.sessionKey("s1");
        SessionRecord record = new SessionRecord("s1", Revisions.next(0), PAST_MILLIS - 1000, PAST_MILLIS - 1000,
                1800, new byte[] {1, 2, 3});
        assertTrue(replication.save(record).get(2, TimeUnit.SECONDS).isStored());
        assertEquals(PAST_MILLIS, stored(key).savedAt());
        // Expired by the system clock for years; live by the store's, which is the one that counts.
        LoadResult loaded = replication.load("s1");
        assertEquals(LoadResult.Outcome.FOUND, loaded.outcome());

        wall.addAndGet(60_000);
        Replication.Ended ended = replication.invalidate("s1", record.revision(), 1800).get(2, TimeUnit.SECONDS);
        assertTrue(ended.result().isStored());
        SessionEnvelope tombstone = stored(key);
        assertTrue(tombstone.isTombstone());
        assertEquals(PAST_MILLIS + 60_000, tombstone.savedAt());
    }

    @Test
    void storeEventsAreStampedByTheInjectedClock() {
        StoreEvents events = new StoreEvents("/clock", clock);
        List<StoreEvent> seen = new ArrayList<>();
        events.add(seen::add);
        events.publish(StoreEvent.Type.NODE_DOWN, null, "down");
        assertEquals(PAST_MILLIS, seen.get(0).timeMillis());
    }

    private SessionEnvelope stored(String key) throws Exception {
        return SessionEnvelope.decode(node.call(c -> c.gets(key), 500).get(2, TimeUnit.SECONDS).value());
    }
}
