package io.mcsessions.jetty;

import io.mcsessions.core.CopyChoice;
import io.mcsessions.core.LoadResult;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.SaveResult;
import io.mcsessions.core.SessionIds;
import io.mcsessions.core.SessionRecord;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The copies of one context's sessions: memcached's replicas (through mcsessions' core) and this instance's last
 * copy of each ({@link LocalCopies}). Decides which copy is the session: memcached's newest, unless no replica
 * answers (degraded mode) or this instance holds a newer copy that no replica has taken yet.
 */
final class SessionCopies {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.jetty.MemcachedSessionDataStore");

    /** Jetty can create a session again under an id that was ended: only a tombstone above a copy ends it. */
    private static final CopyChoice COPIES = CopyChoice.idsReused();

    private final ReplicatedSessionStore store;
    private final LocalCopies local;
    private final String name;

    SessionCopies(ReplicatedSessionStore store, int maxLocalCopies) {
        this.store = store;
        this.local = new LocalCopies(maxLocalCopies);
        this.name = store.name();
    }

    ReplicatedSessionStore store() {
        return store;
    }

    int localCopies() {
        return local.size();
    }

    /** A copy chosen to serve; {@code rewrite}: {@link CopyChoice.Choice#LOCAL_NEWER}, to be written again. */
    record Chosen(SessionRecord record, boolean rewrite) {
    }

    /**
     * The session as it should be served, or null when it does not exist (or, in degraded mode, this instance has
     * no copy of it). {@code serving}: the caller is about to serve it, so this instance keeps a copy.
     */
    Chosen newest(String id, boolean serving) {
        LoadResult result = store.load(id);
        LocalCopies.Copy mine = local.get(id);
        CopyChoice.Choice choice = mine == null ? COPIES.withoutLocalCopy(result)
                : COPIES.choose(result, mine.revision(), mine.acknowledged());
        switch (choice) {
            case STORED, SAME -> {
                SessionRecord found = result.record();
                if (serving) {
                    local.remember(found, expiryOf(found), true);
                }
                return new Chosen(found, false);
            }
            case LOCAL, LOCAL_NEWER -> {
                LOG.log(System.Logger.Level.DEBUG, () -> name + " - session " + SessionIds.shorten(id) + ": serving "
                        + "this instance's copy (revision " + mine.revision() + "): " + (result.isUnavailable()
                        ? "no memcached node answered" : choice == CopyChoice.Choice.LOCAL_NEWER
                        ? "it is newer than memcached's (" + result.record().revision() + "); the end of the request "
                        + "writes it again" : "no replica has taken it yet"));
                // Degraded: only a change is written (a stale copy must not get a new revision while nodes are away);
                // a copy no replica took yet is written back by core.
                return new Chosen(mine.record(), choice == CopyChoice.Choice.LOCAL_NEWER);
            }
            default -> {
                if (mine != null) {
                    local.forgetUpTo(id, mine.revision()); // ended elsewhere, or gone from memcached
                }
                return null;
            }
        }
    }

    /** A request used the session without changing it: its expiry moves on lazily (core's {@code accessed}). */
    void accessed(String id, long accessedAt, long propagatedAccess, int maxInactiveSeconds, Runnable ifMissing) {
        store.accessed(id, accessedAt, propagatedAccess, maxInactiveSeconds, ifMissing);
    }

    /** Keeps the record as this instance's copy and writes it to memcached, waiting until it is written or not. */
    void save(SessionRecord record, long expiry, boolean async) {
        local.remember(record, expiry, false);
        if (async) {
            store.saveAsync(record).thenAccept(result -> saved(record, result));
        } else {
            saved(record, store.save(record));
        }
    }

    private void saved(SessionRecord record, SaveResult result) {
        if (result.isStored()) {
            local.acknowledge(record.id(), record.revision());
        }
        LOG.log(System.Logger.Level.DEBUG, () -> name + " - session " + SessionIds.shorten(record.id()) + " revision "
                + record.revision() + " saved: " + result.outcome()
                + (result.detail().isEmpty() ? "" : " (" + result.detail() + ")"));
    }

    /** The revision this instance last read or wrote for the session, or 0. */
    long knownRevision(String id) {
        LocalCopies.Copy mine = local.get(id);
        return mine == null ? 0 : mine.revision();
    }

    /**
     * Ends the session with a tombstone above the newest revision this instance knows; {@code unknownTtlSeconds}
     * is the tombstone's life when this instance has no copy.
     */
    SaveResult delete(String id, int unknownTtlSeconds) {
        LocalCopies.Copy mine = local.remove(id);
        SaveResult result = store.invalidate(id, mine == null ? 0 : mine.revision(),
                mine == null ? unknownTtlSeconds : mine.record().maxInactiveSeconds());
        LOG.log(System.Logger.Level.DEBUG, () -> name + " - session " + SessionIds.shorten(id) + " deleted: "
                + result.outcome());
        return result;
    }

    /**
     * The session cache's candidates that have expired at {@code time}, and the sessions this instance wrote last
     * that have: memcached cannot list keys, so these are the ones this instance can know about.
     */
    Set<String> expired(Set<String> candidates, long time) {
        List<String> mine = local.expiredAt(time);
        LOG.log(System.Logger.Level.TRACE, () -> name + " - checking the expiry of " + candidates.size()
                + " sessions of the session cache and " + mine.size() + " this instance wrote last");
        Set<String> expired = new HashSet<>();
        for (String id : candidates) {
            if (isExpired(id, time, true)) {
                expired.add(id);
            }
        }
        for (String id : mine) {
            if (!candidates.contains(id) && isExpired(id, time, false)) {
                expired.add(id);
            }
        }
        return expired;
    }

    private boolean isExpired(String id, long time, boolean candidate) {
        LoadResult result = store.load(id);
        LocalCopies.Copy mine = local.get(id);
        if (result.isUnavailable()) {
            // Degraded: this instance's view decides; a candidate it has no copy of is the cache's own judgement.
            return mine == null ? candidate : mine.isExpiredAt(time);
        }
        if (result.isAbsent()) {
            local.remove(id);
            return candidate; // gone by TTL or ended: a session of the cache still has to end there
        }
        SessionRecord found = result.record();
        if (mine != null && mine.revision() > found.revision()) {
            return mine.isExpiredAt(time);
        }
        if (!candidate && mine != null && found.revision() > mine.revision()) {
            local.forgetUpTo(id, found.revision()); // another instance wrote it since: it manages it now
            return false;
        }
        return expiryOf(found) == Long.MIN_VALUE || isExpiredAt(expiryOf(found), time);
    }

    /** The expiry a stored session carries; {@link Long#MIN_VALUE} when its payload cannot be read. */
    private long expiryOf(SessionRecord record) {
        try {
            return SessionDataCodec.readHeader(record.payload()).expiryAccessedAt(record.lastAccessedTime());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> name + " - session " + SessionIds.shorten(record.id())
                    + " has an unreadable payload: " + e.getMessage());
            return Long.MIN_VALUE;
        }
    }

    private static boolean isExpiredAt(long expiry, long time) {
        return expiry > 0 && expiry <= time;
    }

    void close() {
        local.clear();
        store.close();
    }
}
