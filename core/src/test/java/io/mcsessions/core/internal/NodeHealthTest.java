package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.NodeAddress;
import io.mcsessions.core.NodeState;
import io.mcsessions.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NodeHealthTest {
    private static final long RETRY_MS = 2000;

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final java.util.concurrent.atomic.AtomicBoolean jvmStalled = new java.util.concurrent.atomic.AtomicBoolean();
    private final NodeHealth health = new NodeHealth(new NodeAddress("n2", "10.0.0.2", 11211), RETRY_MS,
            new StoreClock(System::currentTimeMillis, now::get),
            (since, until) -> jvmStalled.get());
    private final List<String> transitions = new ArrayList<>();

    NodeHealthTest() {
        health.addListener((h, from, to, reason) -> transitions.add(from + "->" + to));
    }

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static NodeFailure failure(NodeFailure.Kind kind) {
        return new NodeFailure(kind, kind.name().toLowerCase());
    }

    @Test
    void aLostConnectionTakesTheNodeDownAtOnceWithOneWarning() {
        health.connectionLost();
        health.connectionLost();
        health.recordFailure(failure(NodeFailure.Kind.UNREACHABLE), now.get());
        assertEquals(NodeState.DOWN, health.state());
        assertEquals(List.of("UP->DOWN"), transitions);
        assertEquals(1, logs.at(Level.WARNING).size(), logs.dump());
        assertEquals(1, logs.count(Level.WARNING, "memcached node n2 (10.0.0.2:11211) is down (connection lost)"));
    }

    @Test
    void aTimeoutWithNoAnswerSinceTheRequestWasSentIsAHungNode() {
        long sent = now.get();
        advanceMillis(300);
        assertTrue(health.recordFailure(failure(NodeFailure.Kind.TIMEOUT), sent));
        assertEquals(NodeState.DOWN, health.state());
    }

    @Test
    void aTimeoutAcrossAStallOfThisJvmCountsAgainstNoNode() {
        jvmStalled.set(true);
        for (int i = 0; i < 10; i++) {
            long sent = now.get();
            advanceMillis(300);
            assertFalse(health.recordFailure(failure(NodeFailure.Kind.TIMEOUT), sent));
        }
        assertEquals(NodeState.UP, health.state());
        health.recordFailure(failure(NodeFailure.Kind.UNREACHABLE), now.get());
        assertEquals(NodeState.DOWN, health.state(), "a lost connection still counts");
    }

    @Test
    void aTimeoutWhileTheNodeKeepsAnsweringNeedsThreeInARow() {
        for (int i = 0; i < 2; i++) {
            long sent = now.get();
            advanceMillis(10);
            health.recordAnswer(); // other requests are answered meanwhile: slow, not hung
            assertFalse(health.recordFailure(failure(NodeFailure.Kind.TIMEOUT), sent));
            assertEquals(NodeState.UP, health.state());
        }
        long sent = now.get();
        advanceMillis(10);
        health.recordAnswer();
        assertTrue(health.recordFailure(failure(NodeFailure.Kind.TIMEOUT), sent));
        assertEquals(NodeState.DOWN, health.state());
    }

    @Test
    void softFailuresFartherApartThanTheRetryIntervalDoNotAddUp() {
        for (int i = 0; i < 10; i++) {
            health.recordFailure(failure(NodeFailure.Kind.SERVER_ERROR), now.get());
            advanceMillis(RETRY_MS);
        }
        assertEquals(NodeState.UP, health.state());
        health.recordFailure(failure(NodeFailure.Kind.SERVER_ERROR), now.get());
        health.recordFailure(failure(NodeFailure.Kind.SERVER_ERROR), now.get());
        assertEquals(NodeState.UP, health.state());
        health.recordFailure(failure(NodeFailure.Kind.SERVER_ERROR), now.get());
        assertEquals(NodeState.DOWN, health.state(), "the third within the interval takes it down");
    }

    @Test
    void aValueTooLargeSaysNothingAboutTheNode() {
        for (int i = 0; i < 10; i++) {
            health.recordFailure(failure(NodeFailure.Kind.VALUE_TOO_LARGE), now.get());
        }
        assertEquals(NodeState.UP, health.state());
    }

    @Test
    void theProbeWaitsForTheRetryIntervalAndOnlyOneCallerWinsIt() throws Exception {
        health.connectionLost();
        advanceMillis(RETRY_MS - 1);
        assertFalse(health.tryBeginProbe());
        advanceMillis(1);
        int callers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            attempts.add(pool.submit(() -> {
                start.await();
                return health.tryBeginProbe();
            }));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> attempt : attempts) {
            winners += attempt.get(5, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdownNow();
        assertEquals(1, winners);
        assertEquals(NodeState.PROBING, health.state());
    }

    @Test
    void aFailedProbeWaitsAnotherIntervalWithoutAnotherWarning() {
        health.connectionLost();
        advanceMillis(RETRY_MS);
        assertTrue(health.tryBeginProbe());
        health.probeFailed("still refused");
        assertEquals(NodeState.DOWN, health.state());
        assertFalse(health.tryBeginProbe());
        advanceMillis(RETRY_MS);
        assertTrue(health.tryBeginProbe());
        health.probeSucceeded();
        assertEquals(NodeState.UP, health.state());
        assertEquals(1, logs.at(Level.WARNING).size(), logs.dump());
        assertEquals(1, logs.at(Level.INFO).size(), logs.dump());
        assertEquals(1, logs.count(Level.INFO, "memcached node n2 (10.0.0.2:11211) is back up after 4.0 s"),
                logs.dump());
    }

    @Test
    void aRestoredConnectionMakesTheProbeDueAtOnce() {
        health.connectionLost();
        advanceMillis(10);
        assertFalse(health.tryBeginProbe());
        health.connectionRestored();
        assertTrue(health.tryBeginProbe());
    }

    @Test
    void anOperatorMarkDownHoldsUntilMarkUp() {
        health.markDown();
        assertEquals(NodeState.MARKED_DOWN, health.state());
        advanceMillis(RETRY_MS * 10);
        assertFalse(health.tryBeginProbe(), "a node marked down by hand is not probed");
        health.recordAnswer();
        assertEquals(NodeState.MARKED_DOWN, health.state());
        health.markUp();
        assertTrue(health.tryBeginProbe(), "marking up probes at once");
        health.probeSucceeded();
        assertEquals(NodeState.UP, health.state());
        assertEquals(1, logs.count(Level.WARNING, "marked down by an operator"), logs.dump());
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheTransition() {
        AtomicInteger later = new AtomicInteger();
        health.addListener((h, from, to, reason) -> {
            throw new IllegalStateException("listener bug");
        });
        health.addListener((h, from, to, reason) -> later.incrementAndGet());
        health.connectionLost();
        assertEquals(NodeState.DOWN, health.state());
        assertEquals(1, later.get());
        assertEquals(1, logs.count(Level.WARNING, "a node health listener failed"), logs.dump());
    }
}
