package io.mcsessions.testing;

import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

class PollingTest {

    @Test
    void aConditionAlreadyTrueCostsNoPollInterval() {
        long start = System.nanoTime();
        Polling.await("nothing").until(() -> true);
        assertTrue(System.nanoTime() - start < Duration.ofMillis(80).toNanos(), "Awaitility's 100 ms first delay");
    }

    @Test
    void theFailureNamesWhatWasAwaitedAndWhatWasSeenLast() {
        AtomicInteger polls = new AtomicInteger();
        ConditionTimeoutException failure = assertThrows(ConditionTimeoutException.class,
                () -> Polling.await("n1 is down").atMost(Duration.ofMillis(200))
                        .until(() -> "UP after " + Math.min(polls.incrementAndGet(), 3) + " looks", is("DOWN")));
        assertTrue(failure.getMessage().contains("'n1 is down'") && failure.getMessage().contains("UP after 3 looks"),
                failure.getMessage());
    }

    @Test
    void anExceptionAnotherThreadLeavesUncaughtDoesNotFailTheWait() {
        Thread ioThread = new Thread(() -> {
            throw new AssertionError("an I/O thread trips over a reset connection");
        });
        Polling.await("the I/O thread has died").atMost(Duration.ofSeconds(5)).until(() -> {
            if (ioThread.getState() == Thread.State.NEW) {
                ioThread.start();
            }
            return ioThread.getState();
        }, is(Thread.State.TERMINATED));
    }

    @Test
    void aWaitMustSayWhatItWaitsFor() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Polling.await(" "));
        assertEquals("say what is awaited: its failure names it", refused.getMessage());
    }
}
