package io.mcsessions.core.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices when this JVM itself stalls (a garbage-collection pause, a starved CPU): a daemon thread ticks every
 * {@value #TICK_MILLIS} ms, and a tick that comes much later than due is a stall. A memcached operation that
 * timed out across a stall says nothing about the node (the answer may be sitting unread in a socket), so node
 * health does not count it.
 */
final class StallMonitor {
    static final long TICK_MILLIS = 10;
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    /** A tick this late is a stall worth remembering. */
    private static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(40);
    private static final int REMEMBERED = 16;

    static final StallMonitor JVM = new StallMonitor().start();

    /** End time and length of the last stalls, in a ring. */
    private final AtomicLongArray ends = new AtomicLongArray(REMEMBERED);
    private final AtomicLongArray lengths = new AtomicLongArray(REMEMBERED);
    private int next;
    private volatile long lastTick = System.nanoTime();

    private StallMonitor start() {
        Thread ticker = CoreThreads.daemon("mcsessions-stall-monitor").newThread(this::tick);
        ticker.setPriority(Thread.MAX_PRIORITY);
        ticker.start();
        return this;
    }

    private void tick() {
        while (true) {
            LockSupport.parkNanos(TICK_NANOS);
            long now = System.nanoTime();
            long late = now - lastTick - TICK_NANOS;
            if (late >= STALL_NANOS) {
                ends.set(next, now);
                lengths.set(next, late);
                next = (next + 1) % REMEMBERED;
            }
            lastTick = now;
        }
    }

    /**
     * Whether the JVM stalled, for at least a third of the time waited, between {@code sinceNanos} and now (or is
     * stalled now, which shows as a tick long overdue).
     */
    boolean stalledSince(long sinceNanos, long nowNanos) {
        long waited = nowNanos - sinceNanos;
        long significant = Math.max(STALL_NANOS, waited / 3);
        if (nowNanos - lastTick - TICK_NANOS >= significant) {
            return true;
        }
        for (int i = 0; i < REMEMBERED; i++) {
            if (ends.get(i) - sinceNanos > 0 && lengths.get(i) >= significant) {
                return true;
            }
        }
        return false;
    }
}
