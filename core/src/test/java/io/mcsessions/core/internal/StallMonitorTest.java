package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StallMonitorTest {

    @Test
    void aQuietJvmHasNoStall() throws InterruptedException {
        long since = System.nanoTime();
        Thread.sleep(300);
        assertFalse(StallMonitor.JVM.stalledSince(since, System.nanoTime()));
    }

    @Test
    void aLongOverdueTickIsAStallInProgress() throws InterruptedException {
        long since = System.nanoTime();
        Thread.sleep(50);
        // Seen from a moment far ahead, the ticker's last tick is long overdue: that reads as a stall.
        assertTrue(StallMonitor.JVM.stalledSince(since, System.nanoTime() + TimeUnit.SECONDS.toNanos(5)));
    }
}
