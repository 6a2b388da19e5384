package io.mcsessions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LogCaptureTest {

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private final System.Logger log = System.getLogger("io.mcsessions.testing.LogCaptureTest");

    @Test
    void capturesASystemLoggerWarningWithItsFormattedMessage() {
        log.log(System.Logger.Level.WARNING, "node {0} is down", "n2");

        assertEquals(1, logs.count(Level.WARNING, "node n2 is down"), logs.dump());
        assertEquals(List.of("node n2 is down"), logs.messages(Level.WARNING));
        assertEquals("io.mcsessions.testing.LogCaptureTest", logs.at(Level.WARNING).get(0).getLoggerName());
        assertEquals(0, logs.count(Level.INFO, "node n2 is down"), "levels are matched exactly");
    }

    @Test
    void capturesDebugAndTraceAsFineAndFiner() {
        log.log(System.Logger.Level.INFO, "info");
        log.log(System.Logger.Level.DEBUG, "debug");
        log.log(System.Logger.Level.TRACE, "trace");

        assertEquals(List.of("info"), logs.messages(Level.INFO));
        assertEquals(List.of("debug"), logs.messages(Level.FINE));
        assertEquals(List.of("trace"), logs.messages(Level.FINER));
        assertEquals(3, logs.records().size(), logs.dump());
    }

    @Test
    void ignoresLoggersOutsideItsName() {
        System.getLogger("io.other.Thing").log(System.Logger.Level.WARNING, "not ours");
        System.getLogger("io.mcsessionsX").log(System.Logger.Level.WARNING, "not ours either");

        assertTrue(logs.records().isEmpty(), logs.dump());
    }

    @Test
    void clearForgetsAndDumpShowsLevelLoggerAndMessage() {
        log.log(System.Logger.Level.WARNING, "before clear");
        logs.clear();
        log.log(System.Logger.Level.ERROR, "lost {0}", "n1", new IllegalStateException("boom"));

        assertEquals(0, logs.count(Level.WARNING, "before clear"));
        String dump = logs.dump();
        assertTrue(dump.contains("SEVERE io.mcsessions.testing.LogCaptureTest: lost n1"), dump);
    }

    @Test
    void capturesRecordsFromManyThreads() throws InterruptedException {
        int threads = 4;
        int perThread = 250;
        CountDownLatch done = new CountDownLatch(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.execute(() -> {
                    for (int i = 0; i < perThread; i++) {
                        log.log(System.Logger.Level.DEBUG, "request {0}", i);
                    }
                    done.countDown();
                });
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }

        assertEquals(threads * perThread, logs.count(Level.FINE, "request "), logs.dump());
    }

    @Test
    void restoresTheLoggerLevelAndRemovesItsHandlerAfterEachTest() {
        Logger julLogger = Logger.getLogger("io.mcsessions.testing.restore");
        julLogger.setLevel(Level.WARNING);
        LogCapture capture = LogCapture.forLogger("io.mcsessions.testing.restore");

        capture.beforeEach(null);
        assertEquals(Level.ALL, julLogger.getLevel());
        julLogger.fine("captured");
        capture.afterEach(null);
        julLogger.warning("after the test");

        assertEquals(Level.WARNING, julLogger.getLevel());
        assertEquals(0, julLogger.getHandlers().length);
        assertEquals(List.of("captured"), capture.messages(Level.FINE));
        assertFalse(capture.dump().contains("after the test"), capture.dump());
    }
}
