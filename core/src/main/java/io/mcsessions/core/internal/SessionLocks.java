package io.mcsessions.core.internal;

import io.mcsessions.core.SessionIds;
import io.mcsessions.core.SessionLock;
import io.mcsessions.core.internal.StoreCounters.Counter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Session locks in memcached: {@code add} of the session's lock key, with a random token, on the session's
 * first replica (so every instance asks the same node), expiring by itself if its holder dies. Releasing deletes
 * the key only while it still holds our token (compare-and-swap), so a lock that expired and was taken by
 * another request is not released by us.
 */
public final class SessionLocks {
    /** A holder that dies leaves its lock for at most this long. */
    static final int LOCK_EXPIRATION_SECONDS = 10;
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.SessionLocks");

    private final Replication replication;
    private final SessionKeys keys;
    private final StoreCounters counters;
    private final long timeoutMillis;
    private final String storeName;
    private final RateLimitedLog lockTimeouts;

    public SessionLocks(Replication replication, SessionKeys keys, StoreCounters counters, long timeoutMillis,
                        String storeName, java.util.function.LongSupplier nanoClock) {
        this.replication = replication;
        this.keys = keys;
        this.counters = counters;
        this.timeoutMillis = timeoutMillis;
        this.storeName = storeName;
        this.lockTimeouts = new RateLimitedLog(LOG, 10_000, nanoClock);
    }

    public SessionLock lock(String sessionId, Duration maxWait) {
        String lockKey = keys.lockKey(sessionId);
        byte[] token = (Long.toHexString(ThreadLocalRandom.current().nextLong()) + "-" + System.nanoTime())
                .getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + maxWait.toNanos();
        long backoff = FIRST_BACKOFF_NANOS;
        while (true) {
            var replicas = replication.replicasFor(replication.sessionKey(sessionId));
            if (replicas.isEmpty()) {
                return notAcquired(sessionId, "no memcached node is up");
            }
            SharedNode node = replicas.get(0).shared();
            Boolean added;
            try {
                added = node.call(c -> c.add(lockKey, LOCK_EXPIRATION_SECONDS, token), timeoutMillis).join();
            } catch (RuntimeException e) {
                added = null; // the node failed; its health decides whether the next try goes elsewhere
            }
            if (Boolean.TRUE.equals(added)) {
                counters.increment(Counter.LOCK_ACQUIRED);
                return new Held(node, lockKey, token);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return notAcquired(sessionId, "another request held it for more than " + maxWait.toMillis() + " ms");
            }
            LockSupport.parkNanos(Math.min(backoff, left));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_NANOS);
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
        private final SharedNode node;
        private final String lockKey;
        private final byte[] token;
        private boolean released;

        Held(SharedNode node, String lockKey, byte[] token) {
            this.node = node;
            this.lockKey = lockKey;
            this.token = token;
        }

        @Override
        public boolean acquired() {
            return !released;
        }

        @Override
        public void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                NodeClient.Stored held = node.call(c -> c.gets(lockKey), timeoutMillis).join();
                if (held != null && Arrays.equals(held.value(), token)) {
                    node.call(c -> c.delete(lockKey, held.cas()), timeoutMillis).join();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, storeName + " - could not release a session lock; it expires in "
                        + LOCK_EXPIRATION_SECONDS + " s", e);
            }
        }
    }
}
