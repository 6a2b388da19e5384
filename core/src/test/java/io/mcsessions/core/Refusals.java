package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/** How a serializer refuses a hostile payload, for the bomb tests of both serializers. */
final class Refusals {
    /** Wall time a refusal may take at most, however loaded the machine: a payload that spins fails the test. */
    static final Duration BOUND = Duration.ofSeconds(30);

    private Refusals() {
    }

    /**
     * Reads the payload on a thread of its own, and returns how it was refused: within {@link #BOUND} of wall time,
     * and within {@code maxCpuMillis} of that thread's CPU time (what the budget counts; wall time on a loaded
     * machine says little).
     */
    static IOException refused(SessionSerializer serializer, byte[] payload, long maxCpuMillis) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long[] cpuNanos = new long[1];
        IOException refused = assertTimeoutPreemptively(BOUND, () -> {
            long start = threads.getCurrentThreadCpuTime();
            try {
                return assertThrows(IOException.class,
                        () -> serializer.deserialize(payload, Refusals.class.getClassLoader()));
            } finally {
                cpuNanos[0] = threads.getCurrentThreadCpuTime() - start;
            }
        });
        long cpuMillis = cpuNanos[0] / 1_000_000;
        assertTrue(cpuMillis <= maxCpuMillis, "refusing took " + cpuMillis + " ms of CPU time, more than "
                + maxCpuMillis + ": " + refused.getMessage());
        return refused;
    }
}
