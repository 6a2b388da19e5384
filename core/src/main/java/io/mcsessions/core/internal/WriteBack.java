package io.mcsessions.core.internal;

import io.mcsessions.core.SessionIds;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.StoreStats.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * What no replica took while this instance saw no node: sessions saved, and sessions ended (their tombstones),
 * kept until a node returns and then written through, unless something newer got there first. A session ended
 * elsewhere stays ended: a tombstone in memcached outranks every copy written back. Nothing is written back past
 * the session's own timeout: a copy whose session would have expired meanwhile is dropped, and one written back
 * gets only what is left of its life. Flushing runs when a node comes back and on a timer, so a record kept just
 * after a flush is not left until the next outage.
 *
 * <p>Bounded: beyond {@link #MAX_PENDING} sessions the oldest outage writes are dropped (counted and logged
 * once); those sessions are written again by their next request.
 */
public final class WriteBack {
    static final int MAX_PENDING = 10_000;
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.WriteBack");

    /**
     * One session kept for write-back: its newest copy, or (record null) its end.
     *
     * @param id            the session id
     * @param record        the copy to write, or null for a tombstone
     * @param revision      the copy's or the tombstone's revision
     * @param ttlSeconds    a tombstone's life in memcached (0: never expires); unused for copies
     * @param notAfterMillis when the session would have expired (epoch ms); nothing is written after it
     */
    public record Pending(String id, SessionRecord record, long revision, int ttlSeconds, long notAfterMillis) {
        public boolean isEnd() {
            return record == null;
        }

        /** Whether this should replace {@code other} of the same session: newer, an end at equal revisions. */
        boolean supersedes(Pending other) {
            return revision > other.revision || (revision == other.revision && isEnd());
        }
    }

    /** What a write-back of one record achieved. */
    public enum Outcome {
        /** Every node the session's copies belong on holds it (or something newer): done. */
        DONE,
        /** memcached holds a newer copy or the session's end: nothing to write back. */
        SUPERSEDED,
        /** Written where it could be, but a node it belongs on is down: kept, written again later. */
        PARTIAL,
        /** No node answered: kept; this pass stops, the next recovery or the timer retries. */
        UNREACHABLE
    }

    /** Where pending records go: conditional writes that never overwrite something newer, or an end. */
    @FunctionalInterface
    public interface Target {
        Outcome writeIfNewer(Pending pending);
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Target target;
    private final StoreCounters counters;
    private final String storeName;
    private final LongSupplier wallClock;
    private final AtomicBoolean droppedLogged = new AtomicBoolean();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final ExecutorService executor;

    public WriteBack(Target target, StoreCounters counters, String storeName, ScheduledExecutorService timer,
                     long flushIntervalMillis, LongSupplier wallClock) {
        this.target = target;
        this.counters = counters;
        this.storeName = storeName;
        this.wallClock = wallClock;
        this.executor = Executors.newSingleThreadExecutor(CoreThreads.daemon("mcsessions-write-back " + storeName));
        try {
            timer.scheduleWithFixedDelay(this::flushSoon, flushIntervalMillis, flushIntervalMillis,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the store is closing
        }
    }

    /** Remembers a copy no replica took; a newer pending record of the same session replaces it. */
    public void remember(SessionRecord record) {
        long notAfter = record.maxInactiveSeconds() <= 0 ? Long.MAX_VALUE
                : record.lastAccessedTime() + record.maxInactiveSeconds() * 1000L;
        keep(new Pending(record.id(), record, record.revision(), 0, notAfter));
    }

    /** Remembers the end of a session that no node acknowledged; it replaces any copy of the session kept here. */
    public void rememberEnd(String sessionId, long tombstoneRevision, int ttlSeconds) {
        long notAfter = ttlSeconds <= 0 ? Long.MAX_VALUE : wallClock.getAsLong() + ttlSeconds * 1000L;
        keep(new Pending(sessionId, null, tombstoneRevision, ttlSeconds, notAfter));
    }

    private void keep(Pending record) {
        if (pending.size() >= MAX_PENDING && !pending.containsKey(record.id())) {
            counters.increment(Counter.WRITE_BACK_DROPPED);
            if (droppedLogged.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, storeName + " - more than " + MAX_PENDING + " sessions are "
                        + "waiting for a memcached node; further ones are written by their next request only");
            }
            return;
        }
        pending.merge(record.id(), record, (old, now) -> now.supersedes(old) ? now : old);
    }

    /** A write of this session succeeded: nothing up to that revision needs writing back. */
    public void forget(String sessionId, long upToRevision) {
        pending.computeIfPresent(sessionId, (id, kept) -> kept.revision() <= upToRevision ? null : kept);
    }

    public void forget(String sessionId) {
        pending.remove(sessionId);
    }

    public int size() {
        return pending.size();
    }

    /** Writes every pending session in the background, once; called when a node comes back, and by the timer. */
    public void flushSoon() {
        if (!pending.isEmpty() && flushScheduled.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    flushScheduled.set(false);
                    flush();
                });
            } catch (RejectedExecutionException e) {
                flushScheduled.set(false); // closed
            }
        }
    }

    void flush() {
        int written = 0;
        int expired = 0;
        // A request can replace a record with a newer one while a pass writes the older: pass again until done.
        boolean progress = true;
        while (progress && !pending.isEmpty()) {
            progress = false;
            for (Pending record : pending.values()) {
                if (wallClock.getAsLong() >= record.notAfterMillis()) {
                    // The session would have ended by now (or its tombstone outlived): writing it back would
                    // give it a life it no longer has.
                    pending.remove(record.id(), record);
                    expired++;
                    progress = true;
                    continue;
                }
                // Conditional per node: another instance may be writing this session right now.
                Outcome outcome = target.writeIfNewer(record);
                switch (outcome) {
                    case UNREACHABLE -> {
                        return; // nodes went away again; the next recovery or the timer retries
                    }
                    case PARTIAL -> {
                        continue; // a node it belongs on is still down: again on the next pass of the timer
                    }
                    case DONE -> {
                        counters.increment(Counter.WRITE_BACK);
                        written++;
                    }
                    case SUPERSEDED -> LOG.log(System.Logger.Level.DEBUG, () -> storeName + " - session "
                            + SessionIds.shorten(record.id()) + " kept during the outage was not written back: "
                            + "memcached holds a newer copy or its end");
                }
                forget(record.id(), record.revision());
                progress = true;
            }
        }
        if (written > 0 || expired > 0) {
            LOG.log(System.Logger.Level.INFO, storeName + " - wrote " + written + " sessions kept during the "
                    + "memcached outage back to memcached" + (expired == 0 ? ""
                    : "; " + expired + " others had timed out meanwhile and were dropped"));
        }
    }

    public void close() {
        executor.shutdownNow();
    }
}
