package io.mcsessions.core.internal;

import io.mcsessions.core.SessionIds;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * Keeps the expiry of sessions that requests use without changing them, without a memcached operation per request.
 *
 * <p>A session's expiry lives in its stored header: last access plus timeout. A request that only reads the
 * session moves its last access on, which memcached must learn before the copy it holds would expire; it need not
 * learn it at once. So a request only tells this keeper, in memory, and the keeper moves the copies' last access
 * on (one header rewrite per replica, {@link Replication#refreshAccess}) when the access memcached knows of is half a
 * timeout old. A session in use is refreshed about twice per timeout, whatever its number of requests; one that
 * idles gets its last access propagated before memcached's copy would lapse, so it expires exactly one timeout after
 * its last use, on every instance.
 *
 * <p>Bounded: beyond {@link #MAX_TRACKED} sessions an access that is due is refreshed at once, as the request ends.
 * When a refresh finds no copy at all (memcached lost it), the caller's {@code ifMissing} runs, so that a sticky
 * container writes the session again.
 */
public final class AccessKeeper {
    static final int MAX_TRACKED = 100_000;
    /** How often due refreshes are looked for. */
    static final long TICK_MILLIS = 500;
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.AccessKeeper");

    /** One session: its latest access here, the access memcached is known to hold, and its timeout. */
    private record Entry(long latest, long propagated, long timeoutMillis, Runnable ifMissing, boolean refreshing) {
        boolean due(long now) {
            return !refreshing && latest > propagated && now - propagated >= timeoutMillis / 2;
        }

        boolean forgotten(long now) {
            return !refreshing && now - latest > timeoutMillis;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final BiFunction<String, Long, CompletableFuture<Boolean>> refresh;
    private final LongSupplier wallClock;
    private final String storeName;

    /**
     * @param refresh moves the copies of a session on to an access time; completes with false when there are none
     */
    public AccessKeeper(BiFunction<String, Long, CompletableFuture<Boolean>> refresh, LongSupplier wallClock,
                        String storeName, ScheduledExecutorService timer) {
        this.refresh = refresh;
        this.wallClock = wallClock;
        this.storeName = storeName;
        try {
            timer.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the store is closing
        }
    }

    /**
     * A request used the session without changing it.
     *
     * @param accessedAt        when, epoch ms
     * @param propagatedAccess  the last access the caller knows memcached's copy to hold (loaded or written with)
     * @param maxInactiveSeconds the session's timeout; zero or less: it never expires, nothing to keep
     */
    public void accessed(String sessionId, long accessedAt, long propagatedAccess, int maxInactiveSeconds,
                         Runnable ifMissing) {
        if (maxInactiveSeconds <= 0) {
            return;
        }
        long timeout = maxInactiveSeconds * 1000L;
        if (entries.size() >= MAX_TRACKED && !entries.containsKey(sessionId)) {
            if (accessedAt - propagatedAccess >= timeout / 2) {
                refreshNow(sessionId, accessedAt, ifMissing);
            }
            return;
        }
        entries.compute(sessionId, (id, kept) -> kept == null
                ? new Entry(accessedAt, propagatedAccess, timeout, ifMissing, false)
                : new Entry(Math.max(kept.latest(), accessedAt), Math.max(kept.propagated(), propagatedAccess),
                        timeout, ifMissing, kept.refreshing()));
    }

    /** A copy with this access time was written: memcached holds it. */
    public void written(String sessionId, long accessedAt) {
        entries.computeIfPresent(sessionId, (id, kept) -> new Entry(Math.max(kept.latest(), accessedAt),
                Math.max(kept.propagated(), accessedAt), kept.timeoutMillis(), kept.ifMissing(), kept.refreshing()));
    }

    /** The session ended: nothing to keep. */
    public void forget(String sessionId) {
        entries.remove(sessionId);
    }

    int size() {
        return entries.size();
    }

    /** The latest access recorded for the session, or 0 when none is tracked (for tests). */
    long latestAccess(String sessionId) {
        Entry kept = entries.get(sessionId);
        return kept == null ? 0 : kept.latest();
    }

    /**
     * Propagates every access not yet in memcached, and waits for it (bounded): when a container stops (a rolling
     * restart), its sessions' last uses must not be lost with it, or they would expire up to half a timeout early.
     */
    public void flush(long timeoutMillis) {
        java.util.List<CompletableFuture<Boolean>> pending = new java.util.ArrayList<>();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().latest() > e.getValue().propagated()) {
                pending.add(refresh(e.getKey(), e.getValue().latest()));
            }
        }
        entries.clear();
        try {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
                    .get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, storeName + " - not every pending access was propagated at stop", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void tick() {
        long now = wallClock.getAsLong();
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            Entry entry = e.getValue();
            if (entry.forgotten(now)) {
                entries.remove(e.getKey(), entry);
            } else if (entry.due(now)) {
                Entry refreshing = new Entry(entry.latest(), entry.propagated(), entry.timeoutMillis(),
                        entry.ifMissing(), true);
                if (entries.replace(e.getKey(), entry, refreshing)) {
                    refreshTracked(e.getKey(), entry.latest(), entry.ifMissing());
                }
            }
        }
    }

    private void refreshTracked(String sessionId, long accessedAt, Runnable ifMissing) {
        refresh(sessionId, accessedAt).whenComplete((held, failure) -> {
            entries.computeIfPresent(sessionId, (id, kept) -> new Entry(kept.latest(),
                    failure == null && held ? Math.max(kept.propagated(), accessedAt) : kept.propagated(),
                    kept.timeoutMillis(), kept.ifMissing(), false));
            if (failure == null && !held) {
                entries.remove(sessionId);
                missing(sessionId, ifMissing);
            }
        });
    }

    private void refreshNow(String sessionId, long accessedAt, Runnable ifMissing) {
        refresh(sessionId, accessedAt).whenComplete((held, failure) -> {
            if (failure == null && !held) {
                missing(sessionId, ifMissing);
            }
        });
    }

    private CompletableFuture<Boolean> refresh(String sessionId, long accessedAt) {
        try {
            return refresh.apply(sessionId, accessedAt);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void missing(String sessionId, Runnable ifMissing) {
        LOG.log(System.Logger.Level.DEBUG, () -> storeName + " - session " + SessionIds.shorten(sessionId)
                + " has no copy in memcached any more");
        try {
            ifMissing.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, storeName + " - a container callback failed for session "
                    + SessionIds.shorten(sessionId) + " missing from memcached; it is written with its next change", e);
        }
    }
}
