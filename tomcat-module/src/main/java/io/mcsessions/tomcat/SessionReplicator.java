package io.mcsessions.tomcat;

import io.mcsessions.core.CopyChoice;
import io.mcsessions.core.LoadResult;
import io.mcsessions.core.PayloadBuffer;
import io.mcsessions.core.RateLimitedLog;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.Revisions;
import io.mcsessions.core.SaveResult;
import io.mcsessions.core.SessionIds;
import io.mcsessions.core.SessionRecord;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Moves Tomcat sessions between the container and the {@link ReplicatedSessionStore}: loads (deciding between
 * the memcached copy and the local one), writes changed sessions, refreshes the expiry of unchanged ones, and
 * ends sessions. Never throws on the request path: a failure is a warning and the local copy goes on serving.
 */
final class SessionReplicator {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.tomcat.SessionReplicator");
    /** How long past its timeout memcached may still hold a copy that nobody used since: its expiry is in seconds. */
    private static final long EXPIRY_SLACK_MILLIS = 2000;
    /** Tomcat never creates a session under an id that was ended: any tombstone ends a local copy. */
    private static final CopyChoice COPIES = CopyChoice.idsNeverReused();
    /**
     * Sticky: a local copy idle this long is checked against memcached before use (see {@link #stickyLocal}). A
     * load balancer moves a sticky session only when its Tomcat fails a health check, and brings it back only
     * after that Tomcat passes again: seconds, at the least.
     */
    static final long STICKY_RECHECK_IDLE_MILLIS = 1000;
    /** The outcome of a request that wrote nothing (most of them): one shared, completed future, not one each. */
    private static final CompletableFuture<?> NOTHING_WRITTEN = CompletableFuture.completedFuture(null);

    private final MemcachedSessionManager manager;
    private final ReplicatedSessionStore store;
    private final SessionCodec codec;
    private final boolean writeAsync;
    /** Sticky and asynchronous: writes of one session are coalesced, and the newest state is written next. */
    private final ExecutorService coalescedWrites;
    private final String name;
    /** A session that cannot be read or written comes back with every request that names it. */
    private final RateLimitedLog codecWarnings = new RateLimitedLog(LOG, 60_000, System::nanoTime);

    SessionReplicator(MemcachedSessionManager manager, ReplicatedSessionStore store, SessionCodec codec,
                      boolean writeAsync) {
        this.manager = manager;
        this.store = store;
        this.codec = codec;
        this.writeAsync = writeAsync;
        this.name = store.name();
        this.coalescedWrites = writeAsync && manager.isSticky()
                ? Executors.newSingleThreadExecutor(ReplicatedSessionStore.daemonThreads("mcsessions-writes " + name))
                : null;
    }

    /** Lets coalesced writes still waiting finish (each is bounded by the operation timeout), then stops. */
    void close() {
        if (coalescedWrites != null) {
            coalescedWrites.shutdown();
            try {
                coalescedWrites.awaitTermination(store.config().getOperationTimeout() * 2, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The session to serve for {@code id} in non-sticky mode, as core's {@link CopyChoice} decides: memcached's
     * copy when it is newer (the local object when it is the same revision), the local copy when no replica
     * answers (degraded mode) or when it is newer than what memcached holds, none when memcached holds no live copy
     * and the local one may not serve.
     */
    MemcachedSession loadNonSticky(String id, MemcachedSession local) {
        LoadResult result = store.load(id);
        if (local == null) {
            return COPIES.withoutLocalCopy(result) == CopyChoice.Choice.STORED ? restoreNewer(result, null) : null;
        }
        switch (COPIES.choose(result, local.revision(), !local.isUnsynced())) {
            case SAME:
                local.confirmedByStore();
                return local;
            case LOCAL:
                local.confirmedByStore();
                if (result.isUnavailable()) {
                    // Only a change is written (a read-only request must not write a possibly stale copy with a
                    // new revision); but if memcached comes back empty, this copy is all that is left.
                    local.markServedDegraded();
                }
                return local;
            case LOCAL_NEWER:
                local.confirmedByStore();
                local.lostInMemcached(); // the replicas that took it lost it: the end of this request repairs them
                return local;
            case STORED:
                return restoreNewer(result, local);
            default:
                dropLocal(local, result.isEnded());
                return null;
        }
    }

    /**
     * Sticky mode: this Tomcat's copy, checked against memcached first if it sat idle for
     * {@link #STICKY_RECHECK_IDLE_MILLIS}. Without a jvmRoute, a session that failed over to another Tomcat keeps
     * its id, and when the load balancer brings it back here, this copy is older than what the other Tomcat wrote:
     * serving it would undo those requests, and its next write would overwrite them. A copy in continuous use pays
     * nothing; with a jvmRoute a failed-over session gets the other Tomcat's route, and this copy is never asked for.
     */
    MemcachedSession stickyLocal(MemcachedSession local, boolean routed, long now) {
        if (routed || !local.idleFor(now, STICKY_RECHECK_IDLE_MILLIS)) {
            return local;
        }
        LoadResult result = store.load(local.getIdInternal());
        switch (result.outcome()) {
            case FOUND:
                return result.record().revision() > local.revision() ? restoreNewer(result, local) : local;
            case ABSENT:
                if (result.isEnded() && result.endedAtRevision() > local.revision()) {
                    manager.discardLocalCopy(local); // ended on the other Tomcat, which told the listeners
                    return null;
                }
                return local;
            default:
                return local;
        }
    }

    /**
     * memcached's copy, newer than this Tomcat's. When this Tomcat cannot read it (a class it lacks), the older
     * local copy must not serve either: its next change would overwrite the newer copy. The request gets no
     * session, and memcached keeps the copy for the Tomcats that can read it.
     */
    private MemcachedSession restoreNewer(LoadResult newer, MemcachedSession local) {
        MemcachedSession loaded = restore(newer.record(), newer.signed());
        if (loaded == null && local != null) {
            manager.discardLocalCopy(local);
        }
        return loaded;
    }

    /**
     * Memcached holds no live copy (core asked every node that is up), and the local one may not serve. A copy
     * timed out by its own clock ended by timeout: it expires here with its events, as {@code StandardManager} would
     * expire it. Any other copy is dropped quietly: the session ended on another Tomcat (which told the listeners),
     * or memcached lost it.
     */
    private void dropLocal(MemcachedSession local, boolean endedElsewhere) {
        if (!endedElsewhere && local.idleBeyondTimeout(System.currentTimeMillis())) {
            local.expire();
        } else {
            manager.discardLocalCopy(local);
        }
    }

    /** Sticky mode: a session this Tomcat does not hold, loaded from memcached (failover), or null. */
    MemcachedSession loadMissing(String id) {
        LoadResult result = store.load(id);
        if (!result.isFound()) {
            return null;
        }
        MemcachedSession loaded = restore(result.record(), result.signed());
        if (loaded != null) {
            LOG.log(System.Logger.Level.DEBUG, name + " - session " + SessionIds.shorten(id)
                    + " was not in this Tomcat; loaded it from memcached");
        }
        return loaded;
    }

    /** What becomes of a local copy idle beyond its timeout, once memcached has been asked. */
    enum IdleCopy {
        /** Memcached may just not have expired it yet (it counts whole seconds on its own clock): ask again later. */
        KEEP,
        /** The session lives on, or ended, elsewhere (where the listeners hear of it): drop the copy quietly. */
        DISCARD,
        /** The session timed out here: expire it with its events, as {@code StandardManager} does. */
        EXPIRE
    }

    /**
     * Decides for a local copy idle beyond its timeout. Non-sticky, a copy memcached still holds lives on another
     * Tomcat (written there, or touched by its reads); sticky, only a newer revision means that it moved. No answer
     * from memcached leaves this Tomcat as the authority.
     */
    IdleCopy idle(MemcachedSession local, boolean sticky, long now) {
        String id = local.getIdInternal();
        LoadResult result = store.load(id);
        switch (result.outcome()) {
            case UNAVAILABLE:
                return IdleCopy.EXPIRE;
            case ABSENT:
                return result.isEnded() ? IdleCopy.DISCARD : IdleCopy.EXPIRE;
            default:
                boolean sameRevision = result.record().revision() == local.revision();
                if (sticky) {
                    return sameRevision ? IdleCopy.EXPIRE : IdleCopy.DISCARD;
                }
                return sameRevision && !local.idleBeyond(now, EXPIRY_SLACK_MILLIS) ? IdleCopy.KEEP : IdleCopy.DISCARD;
        }
    }

    private MemcachedSession restore(SessionRecord record, boolean signed) {
        SessionPayload payload;
        try {
            payload = codec.decode(record.payload(), manager.webappClassLoader(), signed);
        } catch (IOException | RuntimeException e) {
            warnCodec("cannot read session " + SessionIds.shorten(record.id()) + " revision " + record.revision()
                    + " from memcached (" + e + "); this Tomcat serves no session for it and leaves that copy in "
                    + "memcached for the instances that can read it");
            return null;
        }
        MemcachedSession session = manager.newLoadedSession(record, payload);
        // The digest of the bytes as loaded, not of the session serialized again: one serialization less on every
        // non-sticky request. Serializing what was read gives the same bytes (attributes are written in name
        // order); where a class writes itself differently each time, the cost is one write too many, never a
        // change left unwritten.
        session.loadedDigest(PayloadBuffer.sha256(record.payload()));
        return session;
    }

    /**
     * The end of a request that used the session: writes it when it changed (or memcached missed it), else
     * refreshes its expiry. The future completes when the write is acknowledged (at once unless asynchronous).
     */
    CompletableFuture<?> requestEnded(MemcachedSession session) {
        if (coalescedWrites == null) {
            return writeIfChanged(session);
        }
        // Sticky with asynchronous writes: memcached holds copies for failover only, and the request does not wait.
        // While a write of this session is in flight, later requests only mark it changed (no serialization, no
        // memcached traffic); when the write is done, the newest state is written once. Under load the writes in
        // flight last longer and more requests share one write, so writing never starves serving.
        if (!session.startWriting()) {
            return NOTHING_WRITTEN;
        }
        return writeCoalesced(session);
    }

    private CompletableFuture<?> writeCoalesced(MemcachedSession session) {
        CompletableFuture<?> written;
        try {
            written = writeIfChanged(session);
        } catch (RuntimeException e) {
            session.abandonWriting();
            throw e;
        }
        if (written.isDone()) { // nothing was written (or it failed at once): no completion stage to chain
            writeNewerIfChanged(session);
            return written;
        }
        return written.whenComplete((result, failure) -> writeNewerIfChanged(session));
    }

    /** A coalesced write is done: when later requests changed the session meanwhile, its newest state goes next. */
    private void writeNewerIfChanged(MemcachedSession session) {
        if (session.finishWriting()) {
            try {
                coalescedWrites.execute(() -> writeCoalesced(session));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                session.finishWriting(); // the context stops: memcached keeps the copy it has
            }
        }
    }

    private CompletableFuture<?> writeIfChanged(MemcachedSession session) {
        if (!session.isValidInternalState()) {
            return NOTHING_WRITTEN;
        }
        SessionCodec.Encoded encoded;
        PayloadBuffer buffer = PayloadBuffer.acquire();
        try {
            if (!encode(session, buffer)) {
                return NOTHING_WRITTEN;
            }
            byte[] digest = buffer.digest();
            // An unchanged session is digested in the buffer and never copied out of it.
            encoded = session.needsWrite(digest) ? new SessionCodec.Encoded(buffer.toByteArray(), digest) : null;
        } finally {
            buffer.release();
        }
        if (encoded == null) {
            // Unchanged: its expiry moves on lazily, without an operation on this request's path. Served while
            // memcached could not answer, the local copy may be older than what memcached holds: neither written
            // with a new revision (that would overwrite newer data when nodes return) nor its access propagated.
            if (!session.wasServedDegraded()) {
                store.accessed(session.getIdInternal(), session.getThisAccessedTimeInternal(),
                        session.propagatedAccess(), session.getMaxInactiveInterval(), session::lostInMemcached);
            }
            return NOTHING_WRITTEN;
        }
        CompletableFuture<SaveResult> written = write(session, encoded);
        if (!writeAsync) {
            written.join();
        }
        return written;
    }

    private CompletableFuture<SaveResult> write(MemcachedSession session, SessionCodec.Encoded encoded) {
        long revision = Revisions.next(session.revision());
        SessionRecord record = new SessionRecord(session.getIdInternal(), revision, session.getCreationTimeInternal(),
                session.getThisAccessedTimeInternal(), session.getMaxInactiveInterval(), encoded.bytes());
        return store.saveAsync(record).thenApply(result -> {
            session.written(revision, encoded.digest(), result.isStored(), record.lastAccessedTime(),
                    record.maxInactiveSeconds());
            return result;
        });
    }

    /** After a session id change: writes the session under its new id, then ends the old id on every node. */
    void moved(MemcachedSession session, String oldId, long oldRevision) {
        if (oldRevision == 0) {
            return; // never written under the old id
        }
        SessionCodec.Encoded encoded = encode(session);
        if (encoded != null) {
            write(session, encoded).join();
        }
        store.invalidate(oldId, oldRevision, session.getMaxInactiveInterval());
    }

    /** The session was invalidated or expired: no copy may load again. */
    void ended(MemcachedSession session) {
        if (session.isStored()) {
            store.invalidate(session.getIdInternal(), session.revision(), session.getMaxInactiveInterval());
        }
    }

    private SessionCodec.Encoded encode(MemcachedSession session) {
        try {
            return codec.encode(session);
        } catch (IOException | RuntimeException e) {
            cannotSerialize(session, e);
            return null;
        }
    }

    /** Writes the session's payload into {@code buffer}; false (with a warning) when it does not serialize. */
    private boolean encode(MemcachedSession session, PayloadBuffer buffer) {
        try {
            codec.encode(session, buffer);
            return true;
        } catch (IOException | RuntimeException e) {
            cannotSerialize(session, e);
            return false;
        }
    }

    private void cannotSerialize(MemcachedSession session, Exception e) {
        warnCodec("cannot serialize session " + SessionIds.shorten(session.getIdInternal()) + " (" + e
                + "); it stays in this Tomcat only");
    }

    private void warnCodec(String message) {
        codecWarnings.warn(name + " - " + message);
    }
}
