package io.mcsessions.core;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * How much CPU time reading one payload may take, measured on the reading thread. CPU time, not elapsed time: a
 * garbage collection, a busy machine or a paused virtual machine stops the thread without using its budget, so
 * an honest session is never refused because the machine stalled.
 *
 * <p>Checking is cheap: the thread's CPU time (a system call) is read only once the elapsed time could have used
 * the budget, since a thread never uses more CPU time than elapses. Where the JVM cannot measure thread CPU time,
 * elapsed time stands in for it.
 */
final class CpuTimeBudget {
    private static final ThreadMXBean THREADS = threads();

    private final long budgetNanos;
    private final Thread reader = Thread.currentThread();
    private final long cpuAtStart = cpuTime();
    private final long wallAtStart = System.nanoTime();
    /** Before this (System.nanoTime) the budget cannot be used up: only elapsed time is looked at. */
    private long nextCpuCheck;

    CpuTimeBudget(long budgetNanos) {
        this.budgetNanos = budgetNanos;
        this.nextCpuCheck = wallAtStart + budgetNanos;
    }

    /** Whether the reading thread has used its budget. */
    boolean exhausted() {
        long now = System.nanoTime();
        if (now - nextCpuCheck < 0) {
            return false;
        }
        long cpu = Thread.currentThread() == reader && cpuAtStart >= 0 ? cpuTime() : -1;
        long used = cpu >= 0 ? cpu - cpuAtStart : now - wallAtStart;
        if (used >= budgetNanos) {
            return true;
        }
        nextCpuCheck = now + (budgetNanos - used);
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
