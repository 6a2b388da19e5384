package io.mcsessions.core.internal;

import io.mcsessions.core.SaveResult;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.internal.StoreCounters.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sessions that no replica acknowledged, kept until a node returns and then written through, unless a newer
 * copy or a tombstone got there first. Bounded: beyond {@link #MAX_PENDING} sessions the oldest outage
 * writes are dropped (counted and logged once); those sessions are written again by their next request.
 */
public final class WriteBack {
    static final int MAX_PENDING = 10_000;
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.WriteBack");

    private final Map<String, SessionRecord> pending = new ConcurrentHashMap<>();
    private final Replication replication;
    private final StoreCounters counters;
    private final String storeName;
    private final AtomicBoolean droppedLogged = new AtomicBoolean();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final ExecutorService executor;

    public WriteBack(Replication replication, StoreCounters counters, String storeName) {
        this.replication = replication;
        this.counters = counters;
        this.storeName = storeName;
        this.executor = Executors.newSingleThreadExecutor(CoreThreads.daemon("mcsessions-write-back " + storeName));
    }

    /** Remembers a record no replica took; a newer pending record of the same session replaces it. */
    public void remember(SessionRecord record) {
        if (pending.size() >= MAX_PENDING && !pending.containsKey(record.id())) {
            counters.increment(Counter.WRITE_BACK_DROPPED);
            if (droppedLogged.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, storeName + " - more than " + MAX_PENDING + " sessions are "
                        + "waiting for a memcached node; further ones are written by their next request only");
            }
            return;
        }
        pending.merge(record.id(), record, (old, now) -> now.revision() >= old.revision() ? now : old);
    }

    /** A write of this session succeeded or the session ended: nothing older needs writing back. */
    public void forget(String sessionId, long upToRevision) {
        pending.computeIfPresent(sessionId, (id, record) -> record.revision() <= upToRevision ? null : record);
    }

    public void forget(String sessionId) {
        pending.remove(sessionId);
    }

    public int size() {
        return pending.size();
    }

    /** Writes every pending session in the background, once; called when a node comes back. */
    public void flushSoon() {
        if (!pending.isEmpty() && flushScheduled.compareAndSet(false, true)) {
            executor.execute(() -> {
                flushScheduled.set(false);
                flush();
            });
        }
    }

    void flush() {
        int written = 0;
        // A request can replace a record with a newer one while a pass writes the older: pass again until done.
        boolean progress = true;
        while (progress && !pending.isEmpty()) {
            progress = false;
            for (SessionRecord record : pending.values()) {
                // Conditional per replica: another instance may be writing this session back right now.
                SaveResult.Outcome outcome = replication.writeIfNewer(record);
                if (outcome == SaveResult.Outcome.DEGRADED) {
                    return; // nodes went away again; the next recovery retries
                }
                forget(record.id(), record.revision());
                progress = true;
                if (outcome == SaveResult.Outcome.STORED) {
                    counters.increment(Counter.WRITE_BACK);
                    written++;
                }
            }
        }
        if (written > 0) {
            LOG.log(System.Logger.Level.INFO, storeName + " - wrote " + written + " sessions kept during the memcached "
                    + "outage back to memcached");
        }
    }

    public void close() {
        executor.shutdownNow();
    }
}
