package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OperationTimeoutsTest {
    private static final long TIMEOUT_MS = 100;

    @Test
    void anOperationTimesOutAfterItsTimeoutWhenThisJvmDidNotStall() throws Exception {
        OperationTimeouts timeouts = new OperationTimeouts((since, now) -> false);
        long start = System.nanoTime();
        CompletableFuture<Object> operation = timeouts.within(new CompletableFuture<>(), TIMEOUT_MS);

        ExecutionException failure = awaitFailure(operation);

        assertInstanceOf(TimeoutException.class, failure.getCause());
        assertTrue(elapsedMillis(start) >= TIMEOUT_MS, "timed out after " + elapsedMillis(start) + " ms");
    }

    @Test
    void aTimeoutThatFallsDueAcrossAStallWaitsOneMoreTimeoutAtMostTwice() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        OperationTimeouts timeouts = new OperationTimeouts((since, now) -> {
            asked.incrementAndGet();
            return true; // every window of the operation saw a stall
        });
        long start = System.nanoTime();
        CompletableFuture<Object> operation = timeouts.within(new CompletableFuture<>(), TIMEOUT_MS);

        Thread.sleep(TIMEOUT_MS * 3 / 2);
        assertFalse(operation.isDone(), "failed although the JVM stalled while it waited");
        ExecutionException failure = awaitFailure(operation);

        assertInstanceOf(TimeoutException.class, failure.getCause());
        long waited = elapsedMillis(start);
        assertTrue(waited >= TIMEOUT_MS * (OperationTimeouts.MAX_EXTENSIONS + 1), "timed out after " + waited + " ms");
        assertTrue(asked.get() == OperationTimeouts.MAX_EXTENSIONS, "stall checks: " + asked.get());
    }

    @Test
    void anAnswerDuringTheExtraTimeCompletesTheOperation() throws Exception {
        OperationTimeouts timeouts = new OperationTimeouts((since, now) -> true);
        CompletableFuture<Object> operation = timeouts.within(new CompletableFuture<>(), TIMEOUT_MS);

        Thread.sleep(TIMEOUT_MS * 3 / 2);
        operation.complete("answer");

        assertTrue("answer".equals(operation.get(1, TimeUnit.SECONDS)));
    }

    private static ExecutionException awaitFailure(CompletableFuture<?> operation) throws Exception {
        try {
            operation.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e;
        }
        throw new AssertionError("the operation completed normally");
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
