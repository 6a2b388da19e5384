package io.mcsessions.core.internal;

import io.mcsessions.core.RateLimitedLog;
import io.mcsessions.core.SessionIds;
import io.mcsessions.core.SessionLock;
import io.mcsessions.core.StoreStats.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Session locks in memcached: {@code add} of the session's lock key, with a random token, on the session's
 * first replica (so every instance asks the same node), expiring by itself if its holder dies. Releasing deletes
 * the key only while it still holds our token (compare-and-swap), so a lock that expired and was taken by
 * another request is not released by us.
 *
 * <p>For a while after the node list changed at run time, the first replica of the old list and the one of the
 * new list are both locked, all or none, so that an instance that has applied the change and one that has not yet
 * exclude each other.
 *
 * <p>Releasing never waits: containers release a lock when a write completes, on the thread that completes it,
 * which is a node's IO thread or the timeout thread. Waiting there for the release's own answer, which only that
 * thread can deliver, stalled the node until the operation timed out and took a healthy node down. The release
 * is a chain of operations instead, each sent when the one before it answers.
 *
 * <p>A lock held longer than a third of its expiry (a long request) is renewed in the background while held, so
 * it does not expire under a request that still runs.
 */
public final class SessionLocks {
    /** A holder that dies leaves its lock for at most this long. */
    static final int LOCK_EXPIRATION_SECONDS = 10;
    /** Held locks older than this are renewed, well before they expire. */
    static final long RENEW_AFTER_NANOS = TimeUnit.SECONDS.toNanos(LOCK_EXPIRATION_SECONDS) / 3;
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.SessionLocks");

    private final Replication replication;
    private final SessionKeys keys;
    private final StoreCounters counters;
    private final long timeoutMillis;
    private final String storeName;
    private final RateLimitedLog lockTimeouts;
    private final StoreClock clock;
    private final Set<Held> held = ConcurrentHashMap.newKeySet();

    public SessionLocks(Replication replication, SessionKeys keys, StoreCounters counters, long timeoutMillis,
                        String storeName, StoreClock clock, ScheduledExecutorService maintenance) {
        this.replication = replication;
        this.keys = keys;
        this.counters = counters;
        this.timeoutMillis = timeoutMillis;
        this.storeName = storeName;
        this.clock = clock;
        this.lockTimeouts = new RateLimitedLog(LOG, 10_000, clock::nanos);
        long period = RENEW_AFTER_NANOS / 2;
        try {
            maintenance.scheduleWithFixedDelay(this::renewOldLocks, period, period, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the store is closing
        }
    }

    /** Extends the expiry of every lock held longer than {@link #RENEW_AFTER_NANOS}, without waiting for answers. */
    void renewOldLocks() {
        long now = clock.nanos();
        for (Held lock : held) {
            if (now - lock.renewedAt >= RENEW_AFTER_NANOS) {
                lock.renewedAt = now;
                lock.renew();
            }
        }
    }

    /** How many locks this store holds now. */
    int heldCount() {
        return held.size();
    }

    public SessionLock lock(String sessionId, Duration maxWait) {
        String lockKey = keys.lockKey(sessionId);
        long start = clock.nanos();
        byte[] token = (Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-" + start)
                .getBytes(StandardCharsets.US_ASCII);
        long deadline = start + maxWait.toNanos();
        long backoff = FIRST_BACKOFF_NANOS;
        while (true) {
            // One node, the session's first replica; two for a while after the node list changed (see lockNodes).
            List<SharedNode> nodes = replication.lockNodes(replication.sessionKey(sessionId));
            if (nodes.isEmpty()) {
                return notAcquired(sessionId, "no memcached node is up");
            }
            List<SharedNode> taken = new ArrayList<>(nodes.size());
            for (SharedNode node : nodes) {
                if (!add(node, lockKey, token)) {
                    break;
                }
                taken.add(node);
            }
            if (taken.size() == nodes.size()) {
                counters.increment(Counter.LOCK_ACQUIRED);
                Held lock = new Held(taken, lockKey, token, clock.nanos());
                held.add(lock);
                return lock;
            }
            // All or none: holding one while waiting for another could make two requests wait for each other.
            new Held(taken, lockKey, token, 0).close();
            long left = deadline - clock.nanos();
            if (left <= 0) {
                return notAcquired(sessionId, "another request held it for more than " + maxWait.toMillis() + " ms");
            }
            LockSupport.parkNanos(Math.min(backoff, left));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
        }
    }

    private boolean add(SharedNode node, String lockKey, byte[] token) {
        try {
            return Boolean.TRUE.equals(
                    node.call(c -> c.add(lockKey, LOCK_EXPIRATION_SECONDS, token), timeoutMillis).join());
        } catch (RuntimeException e) {
            return false; // the node failed; its health decides whether the next try goes elsewhere
        }
    }

    private SessionLock notAcquired(String sessionId, String why) {
        counters.increment(Counter.LOCK_TIMEOUT);
        lockTimeouts.warn(storeName + " - could not lock session " + SessionIds.shorten(sessionId) + " (" + why
                + "); the request goes on without the lock");
        return NOT_ACQUIRED;
    }

    private static final SessionLock NOT_ACQUIRED = new SessionLock() {
        @Override
        public boolean acquired() {
            return false;
        }

        @Override
        public void close() {
        }
    };

    private final class Held implements SessionLock {
        private final List<SharedNode> nodes;
        private final String lockKey;
        private final byte[] token;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        /** When the lock was taken or last renewed; written by the renewal task only. */
        volatile long renewedAt;

        Held(List<SharedNode> nodes, String lockKey, byte[] token, long takenAt) {
            this.nodes = List.copyOf(nodes);
            this.lockKey = lockKey;
            this.token = token;
            this.renewedAt = takenAt;
        }

        @Override
        public boolean acquired() {
            return !released.get();
        }

        /** Deletes the key if it still holds our token; returns at once, the operations follow one another. */
        @Override
        public void close() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            held.remove(this);
            for (SharedNode node : nodes) {
                whileOurs(node, stored -> node.call(c -> c.delete(lockKey, stored.cas()), timeoutMillis), "release");
            }
        }

        /** Resets the expiry if the key still holds our token. */
        void renew() {
            for (SharedNode node : nodes) {
                whileOurs(node, stored -> node.call(c -> c.cas(lockKey, stored.cas(), LOCK_EXPIRATION_SECONDS, token),
                        timeoutMillis), "renew");
            }
        }

        private void whileOurs(SharedNode node,
                               java.util.function.Function<NodeClient.Stored, CompletableFuture<Boolean>> action,
                               String what) {
            CompletableFuture<NodeClient.Stored> current;
            try {
                current = node.call(c -> c.gets(lockKey), timeoutMillis);
            } catch (RuntimeException e) {
                current = CompletableFuture.failedFuture(e);
            }
            current.thenCompose(stored -> stored != null && Arrays.equals(stored.value(), token)
                            ? action.apply(stored) : CompletableFuture.completedFuture(false))
                    .whenComplete((done, failure) -> {
                        if (failure != null) {
                            LOG.log(System.Logger.Level.DEBUG, storeName + " - could not " + what + " a session lock; "
                                    + "it expires within " + LOCK_EXPIRATION_SECONDS + " s", failure);
                        }
                    });
        }
    }
}
