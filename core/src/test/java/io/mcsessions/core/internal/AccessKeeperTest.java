package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The bookkeeping of lazy expiry, without memcached: which access each refresh carries, and that no access is
 * lost while refreshes, removals and new entries race with the requests. {@code LazyExpiryTest} covers the same
 * against real nodes and a second instance.
 */
class AccessKeeperTest {
    private static final int TIMEOUT_SECONDS = 10;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    /** The access time of each refresh asked for, in order; each is answered through {@link #answers}. */
    private final List<Long> refreshed = new ArrayList<>();
    private final List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    private volatile boolean answerAtOnce;

    private AccessKeeper keeper() {
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdown(); // ticks are driven by the test
        return new AccessKeeper((id, accessedAt) -> {
            synchronized (refreshed) {
                refreshed.add(accessedAt);
                CompletableFuture<Boolean> answer = answerAtOnce ? CompletableFuture.completedFuture(true)
                        : new CompletableFuture<>();
                answers.add(answer);
                return answer;
            }
        }, clock::get, "test", stopped);
    }

    @Test
    void anAccessRecordedWhileARefreshIsInFlightGoesWithTheNextRefresh() {
        AccessKeeper keeper = keeper();
        long written = clock.get();
        keeper.accessed("s", written + 1_000, written, TIMEOUT_SECONDS, () -> { });
        clock.set(written + 5_000); // half the timeout since memcached last heard of it
        keeper.tick();
        assertEquals(List.of(written + 1_000), refreshed);

        keeper.accessed("s", written + 6_000, written, TIMEOUT_SECONDS, () -> { });
        clock.set(written + 6_000);
        keeper.tick();
        assertEquals(1, refreshed.size(), "one refresh at a time per session");

        answers.get(0).complete(true);
        clock.set(written + 6_000 + 5_000);
        keeper.tick();
        assertEquals(List.of(written + 1_000, written + 6_000), refreshed);
    }

    @Test
    void anIdleEntryIsForgottenAndAUseAfterwardsIsTrackedAgain() {
        AccessKeeper keeper = keeper();
        long written = clock.get();
        keeper.accessed("s", written, written, TIMEOUT_SECONDS, () -> { });
        clock.set(written + TIMEOUT_SECONDS * 1000L + 1);
        keeper.tick();
        assertEquals(0, keeper.size(), "nothing left to propagate and idle past its timeout");

        long later = clock.get();
        keeper.accessed("s", later, written, TIMEOUT_SECONDS, () -> { });
        assertEquals(1, keeper.size());
        keeper.tick();
        assertEquals(List.of(later), refreshed, "due at once: memcached's access is a whole timeout old");
    }

    @Test
    void aRefreshThatFindsNoCopyTellsTheContainerOnceAndForgetsTheSession() {
        AccessKeeper keeper = keeper();
        AtomicInteger missing = new AtomicInteger();
        long written = clock.get();
        keeper.accessed("s", written + 100, written, TIMEOUT_SECONDS, missing::incrementAndGet);
        clock.set(written + 5_000);
        keeper.tick();
        answers.get(0).complete(false);
        assertEquals(1, missing.get());
        assertEquals(0, keeper.size());
    }

    @Test
    void noAccessIsLostWhileRefreshesAndRemovalsRaceWithTheRequests() throws Exception {
        answerAtOnce = true;
        AccessKeeper keeper = keeper();
        long timeoutMillis = TIMEOUT_SECONDS * 1000L;
        AtomicLong recorded = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> requests = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    long at = clock.get();
                    keeper.accessed("s", at, 0, TIMEOUT_SECONDS, () -> { });
                    recorded.accumulateAndGet(at, Math::max);
                }
            });
            thread.setDaemon(true);
            thread.start();
            requests.add(thread);
        }
        int checked = 0;
        for (int round = 0; round < 2_000; round++) {
            // By turns, time moves on by half a timeout (a refresh is due) or by more than a timeout (the accesses
            // recorded so far are idle past it, the entry leaves the map), while the requests go on using the
            // session at the new time, racing with the tick.
            long now = clock.addAndGet(round % 2 == 0 ? timeoutMillis / 2 : timeoutMillis + 1);
            keeper.tick();
            long waitUntil = System.nanoTime() + 1_000_000_000L;
            while (recorded.get() < now && System.nanoTime() < waitUntil) {
                Thread.onSpinWait(); // until a request used the session at the new time
            }
            long mustHold = recorded.get();
            if (clock.get() - mustHold <= timeoutMillis) { // else it was idle past its timeout when the tick ran
                checked++;
                long held = keeper.latestAccess("s");
                assertTrue(held >= mustHold, "round " + round + ": an access at " + mustHold
                        + " was recorded, the keeper holds " + held);
            }
        }
        stop.set(true);
        for (Thread thread : requests) {
            thread.join();
        }
        assertTrue(checked > 1_000, "only " + checked + " rounds raced with the requests");

        // The last access goes with the next refresh.
        long last = recorded.get();
        clock.addAndGet(timeoutMillis / 2);
        keeper.tick();
        synchronized (refreshed) {
            assertEquals(last, refreshed.stream().mapToLong(Long::longValue).max().orElse(0),
                    "the last access reached memcached");
        }
    }
}
