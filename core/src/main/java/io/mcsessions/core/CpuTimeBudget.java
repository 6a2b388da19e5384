package io.mcsessions.core;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * How much CPU time reading one payload may take, measured on the reading thread. CPU time, not elapsed time: a
 * garbage collection, a busy machine or a paused virtual machine stops the thread without using its budget, so
 * an honest session is never refused because the machine stalled.
 *
 * <p>Checking is cheap: most payloads are read before the thread's CPU time (a system call) is ever asked. It is
 * read first at the first check after {@value #CHECKPOINT_MILLIS} ms, and counted from there, with those first
 * {@value #CHECKPOINT_MILLIS} ms counted in full; from then on it is read only once the elapsed time could have used
 * the budget, since a thread never uses more CPU time than elapses. (Were the thread busy rather than stalled between
 * the checkpoint and the check before it, that one step would go uncounted: the bound is the budget plus one step
 * between two checks, which the other limits keep short.) Where the JVM cannot measure thread CPU time, elapsed time
 * stands in for it.
 */
final class CpuTimeBudget {
    /** Elapsed time after which the CPU time used is measured; it counts as used in full. */
    static final long CHECKPOINT_MILLIS = 10;
    private static final long CHECKPOINT_NANOS = TimeUnit.MILLISECONDS.toNanos(CHECKPOINT_MILLIS);
    private static final ThreadMXBean THREADS = threads();

    private final long budgetNanos;
    private final Thread reader = Thread.currentThread();
    private final long wallAtStart = System.nanoTime();
    /** CPU time at the checkpoint, or -1 before it (and where CPU time cannot be measured). */
    private long cpuAtCheckpoint = -1;
    /** Before this (System.nanoTime) nothing needs to be measured. */
    private long nextCheck;

    CpuTimeBudget(long budgetNanos) {
        this.budgetNanos = budgetNanos;
        this.nextCheck = wallAtStart + Math.min(budgetNanos, CHECKPOINT_NANOS);
    }

    /** Whether the reading thread has used its budget. */
    boolean exhausted() {
        long now = System.nanoTime();
        if (now - nextCheck < 0) {
            return false;
        }
        long cpu = Thread.currentThread() == reader ? cpuTime() : -1;
        long used;
        if (cpu < 0) {
            used = now - wallAtStart;
        } else {
            if (cpuAtCheckpoint < 0) {
                cpuAtCheckpoint = cpu;
            }
            used = Math.min(now - wallAtStart, CHECKPOINT_NANOS) + (cpu - cpuAtCheckpoint);
        }
        if (used >= budgetNanos) {
            return true;
        }
        nextCheck = now + (budgetNanos - used);
        return false;
    }

    long budgetMillis() {
        return TimeUnit.NANOSECONDS.toMillis(budgetNanos);
    }

    /** The current thread's CPU time in nanoseconds, or -1 when the JVM does not measure it. */
    private static long cpuTime() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadCpuTime();
    }

    private static ThreadMXBean threads() {
        try {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            return threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled() ? threads : null;
        } catch (RuntimeException | LinkageError e) {
            return null; // a runtime without java.management: elapsed time stands in
        }
    }
}
