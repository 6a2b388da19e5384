package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.SessionRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Write-back's own rules, against a target that stands in for memcached. A pure unit. */
class WriteBackUnitTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong wallClock = new AtomicLong(1_800_000_000_000L);
    private final List<WriteBack.Pending> written = new CopyOnWriteArrayList<>();
    private final AtomicReference<WriteBack.Outcome> answer = new AtomicReference<>(WriteBack.Outcome.UNREACHABLE);
    private WriteBack writeBack;

    private WriteBack start(long flushIntervalMillis) {
        writeBack = new WriteBack(pending -> {
            written.add(pending);
            return answer.get();
        }, new StoreCounters(), "/t", timer, flushIntervalMillis, wallClock::get);
        return writeBack;
    }

    @AfterEach
    void stop() {
        timer.shutdownNow();
        if (writeBack != null) {
            writeBack.close();
        }
    }

    private SessionRecord record(String id, long revision, int maxInactiveSeconds) {
        return new SessionRecord(id, revision, wallClock.get(), wallClock.get(), maxInactiveSeconds, new byte[] {1});
    }

    @Test
    void aRecordKeptAfterTheLastRecoveryIsWrittenByTheTimer() throws InterruptedException {
        WriteBack back = start(50);
        answer.set(WriteBack.Outcome.DONE);
        back.remember(record("late", 5, 1800)); // no node transition follows
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (back.size() > 0) {
            assertTrue(System.nanoTime() < deadline, "the timer did not write it back");
            Thread.sleep(5);
        }
        assertEquals("late", written.get(0).id());
    }

    @Test
    void aRecordPastItsSessionTimeoutIsDroppedUnwritten() {
        WriteBack back = start(60_000);
        answer.set(WriteBack.Outcome.DONE);
        back.remember(record("idle", 5, 60));
        wallClock.addAndGet(60_001);
        back.flush();
        assertEquals(0, back.size());
        assertEquals(List.of(), written);
    }

    @Test
    void anEndReplacesTheCopyKeptOfTheSameSessionAndAPartialWriteIsKept() {
        WriteBack back = start(60_000);
        back.remember(record("s", 5, 1800));
        back.rememberEnd("s", 6, 1860);
        back.remember(record("s", 5, 1800)); // an older copy arriving late does not replace the end
        answer.set(WriteBack.Outcome.PARTIAL);
        back.flush();
        assertEquals(1, back.size());
        assertTrue(written.get(0).isEnd());
        answer.set(WriteBack.Outcome.DONE);
        back.flush();
        assertEquals(0, back.size());
    }
}
