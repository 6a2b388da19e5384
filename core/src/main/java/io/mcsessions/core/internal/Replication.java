package io.mcsessions.core.internal;

import io.mcsessions.core.LoadResult;
import io.mcsessions.core.RateLimitedLog;
import io.mcsessions.core.ReplicaInfo;
import io.mcsessions.core.Revisions;
import io.mcsessions.core.SaveResult;
import io.mcsessions.core.SessionIds;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.StoreStats.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads and writes one session's replicas: the store's operations on copies, each of which never throws for a
 * node failure.
 *
 * <p>Reads ask every replica and take the newest copy, repairing the others ({@link ReplicaReads}). Writes go to
 * every replica in parallel and hand a failed replica's copy to the next node ({@link ReplicaWrite}). Invalidation
 * writes a tombstone above every copy to every node that is up, so a replica that missed it cannot bring the
 * session back. Write-back and access refreshes never replace something newer ({@link ConditionalWrites}).
 */
public final class Replication {
    /** Tombstones outlive any copy they shadow: a copy lives at most max-inactive after its last access. */
    private static final int TOMBSTONE_MARGIN_SECONDS = 60;

    private final ReplicationSettings settings;
    private final ReplicaSet replicas;
    private final SessionKeys keys;
    private final StoreCounters counters;
    private final EnvelopeCodec codec;
    private final ReplicaReads reads;
    private final ConditionalWrites conditional;
    private final RateLimitedLog oversizedValues;
    private final StoreClock clock;

    public Replication(List<StoreNode> nodes, ReplicationSettings settings, SessionKeys keys, StoreCounters counters,
                       EnvelopeSigner signer, StoreClock clock) {
        this.settings = settings;
        this.clock = clock;
        this.replicas = new ReplicaSet(nodes, settings.redundancy(), clock::nanos);
        this.keys = keys;
        this.counters = counters;
        this.codec = new EnvelopeCodec(signer, counters, settings.storeName(), clock::nanos);
        this.reads = new ReplicaReads(replicas, codec, counters, settings.timeoutMillis(), clock);
        this.conditional = new ConditionalWrites(replicas, codec, counters, keys, settings.timeoutMillis(),
                settings.writerId(), clock);
        this.oversizedValues = new RateLimitedLog(Logs.logger("io.mcsessions.core.Replication"), 60_000, clock::nanos);
    }

    /** The nodes that hold the key's lock (see {@link ReplicaSet#lockNodes}). */
    List<SharedNode> lockNodes(String key) {
        return replicas.lockNodes(key);
    }

    // ---- the node list (see ReplicaSet: a list replaced at run time is consulted for a while) ----

    /** The node list in use. */
    public List<StoreNode> currentNodes() {
        return replicas.current();
    }

    /** The nodes only replaced lists that are still consulted name. */
    public List<StoreNode> retiringNodes() {
        return replicas.retiring();
    }

    /** Every node consulted: the list in use and the nodes of replaced lists still consulted. */
    public List<StoreNode> consultedNodes() {
        return replicas.all();
    }

    /**
     * Puts a new node list in use; the replaced one is still consulted for the settle window.
     *
     * @return when (nano clock) the replaced list stops being consulted
     */
    public long changeNodes(List<StoreNode> nodes) {
        return replicas.change(nodes);
    }

    /** How many replaced node lists are still consulted. */
    public int replacedNodeLists() {
        return replicas.replacedLists();
    }

    /** Stops consulting replaced node lists now. */
    public void retireReplacedNodeListsNow() {
        replicas.retireReplacedNow();
    }

    /** Forgets the replaced node lists whose window has ended; true if there were any. */
    public boolean forgetRetiredNodeLists() {
        return replicas.forgetRetired();
    }

    String sessionKey(String sessionId) {
        return keys.sessionKey(sessionId);
    }

    /** The newest live copy, or why there is none. */
    public LoadResult load(String sessionId) {
        String key = keys.sessionKey(sessionId);
        ReplicaReads.Newest newest = reads.readNewest(sessionId, key);
        if (newest == null || newest.envelope() == null) {
            // "Absent" needs as many answers as a write leaves copies (or every node): fewer answers while
            // other nodes are down or failing cannot rule out a copy on them.
            boolean unknown = newest == null || newest.anyFailed() || newest.answers() < replicas.answersForAbsent();
            counters.increment(unknown ? Counter.LOAD_UNAVAILABLE : Counter.LOAD_ABSENT);
            return unknown ? LoadResult.unavailable() : LoadResult.absent();
        }
        reads.repairBehind(sessionId, key, newest);
        SessionEnvelope e = newest.envelope();
        if (e.isTombstone()) {
            counters.increment(Counter.LOAD_ABSENT);
            return LoadResult.ended(e.revision());
        }
        counters.increment(Counter.LOAD_FOUND);
        return LoadResult.found(new SessionRecord(sessionId, e.revision(), e.creationTime(), e.lastAccessedTime(),
                e.maxInactiveSeconds(), e.payload()), codec.signs()); // with a signer, only verified values parse
    }

    /** Writes the record to its replicas (see {@link ReplicaWrite}); completes when every replica has answered. */
    public CompletableFuture<SaveResult> save(SessionRecord record) {
        long now = clock.wallMillis();
        SessionEnvelope envelope = SessionEnvelope.session(record.revision(), now,
                record.creationTime(), record.lastAccessedTime(), record.maxInactiveSeconds(), settings.writerId(),
                record.payload());
        String key = keys.sessionKey(record.id());
        byte[] bytes = codec.encode(envelope, key);
        if (bytes.length > settings.maxValueSize()) {
            counters.increment(Counter.SAVE_REJECTED);
            String detail = "session " + SessionIds.shorten(record.id()) + " is " + bytes.length + " bytes serialized, "
                    + "over maxValueSize (" + settings.maxValueSize() + " bytes)";
            oversizedValues.warn(settings.storeName() + " - " + detail + "; it stays only in this container");
            return CompletableFuture.completedFuture(new SaveResult(SaveResult.Outcome.REJECTED, record.revision(),
                    detail));
        }
        int expiration = Expiry.until(envelope.expiresAt(), now);
        replicas.wrote(record.maxInactiveSeconds());
        ReplicaSet.Placement placement = replicas.placement(key);
        return ReplicaWrite.start(placement.order(), placement.targets(), replicas.redundancy(), record.revision(),
                settings.timeoutMillis(), c -> c.set(key, expiration, bytes), counters);
    }

    /** See {@link ConditionalWrites#writeIfNewer}. */
    public WriteBack.Outcome writeIfNewer(WriteBack.Pending pending) {
        return conditional.writeIfNewer(pending);
    }

    /** See {@link ConditionalWrites#refreshAccess}. */
    public CompletableFuture<Boolean> refreshAccess(String sessionId, long accessedAt) {
        return conditional.refreshAccess(sessionId, accessedAt);
    }

    /** See {@link ConditionalWrites#refreshAccess}: to now, by the store's clock. */
    public CompletableFuture<Boolean> refreshAccessNow(String sessionId) {
        return conditional.refreshAccess(sessionId, clock.wallMillis());
    }

    /** A tombstone as written: its revision and how long memcached keeps it, and what became of the write. */
    public record Ended(SaveResult result, int ttlSeconds) {
    }

    /**
     * Ends the session: reads what the nodes hold (so the tombstone outranks the newest copy, whoever wrote it,
     * and outlives it), then writes a tombstone to every node that is up. Completes when every node has answered
     * (each bounded by the timeout), not at the first acknowledgement: as with a save (see {@code ReplicaWrite}),
     * the user's next request may go to another instance at once, and must not read a replica the tombstone has
     * not reached yet, or the logout would be undone.
     */
    public CompletableFuture<Ended> invalidate(String sessionId, long lastKnownRevision, int maxInactiveSeconds) {
        String key = keys.sessionKey(sessionId);
        counters.increment(Counter.INVALIDATE);
        List<StoreNode> up = replicas.up();
        long known = lastKnownRevision;
        int life = maxInactiveSeconds;
        if (!up.isEmpty()) {
            SessionEnvelope newest = reads.read(sessionId, key, up, List.of()).envelope();
            if (newest != null) {
                known = Math.max(known, newest.revision());
                life = longerLife(life, newest.isTombstone() ? newest.maxInactiveSeconds() - TOMBSTONE_MARGIN_SECONDS
                        : newest.maxInactiveSeconds());
            }
        }
        long now = clock.wallMillis();
        long revision = Revisions.next(known, now);
        int ttl = life <= 0 ? 0 : life + TOMBSTONE_MARGIN_SECONDS;
        if (up.isEmpty()) {
            return CompletableFuture.completedFuture(new Ended(new SaveResult(SaveResult.Outcome.DEGRADED, revision,
                    "no memcached node is up"), ttl));
        }
        byte[] bytes = codec.encode(SessionEnvelope.tombstone(revision, now, ttl, settings.writerId()), key);
        int expiration = Expiry.seconds(ttl, now);
        CompletableFuture<Ended> result = new CompletableFuture<>();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger acknowledged = new AtomicInteger();
        for (StoreNode node : up) {
            node.shared().call(c -> c.set(key, expiration, bytes), settings.timeoutMillis())
                    .whenComplete((ok, failure) -> {
                        if (failure == null) {
                            acknowledged.incrementAndGet();
                        }
                        if (finished.incrementAndGet() == up.size()) {
                            result.complete(new Ended(acknowledged.get() > 0
                                    ? new SaveResult(SaveResult.Outcome.STORED, revision, "")
                                    : new SaveResult(SaveResult.Outcome.DEGRADED, revision,
                                            "no node acknowledged the tombstone"), ttl));
                        }
                    });
        }
        return result;
    }

    /** The longer of two session lives, where 0 or less means forever. */
    private static int longerLife(int a, int b) {
        return a <= 0 || b <= 0 ? 0 : Math.max(a, b);
    }

    /** What every node holds for the session, for status pages; nodes that are not up are not asked. */
    public List<ReplicaInfo> inspect(String sessionId) {
        String key = keys.sessionKey(sessionId);
        List<StoreNode> current = replicas.replicasFor(key);
        List<StoreNode> nodes = replicas.all();
        List<CompletableFuture<NodeClient.Stored>> pending = new ArrayList<>();
        for (StoreNode node : nodes) {
            pending.add(node.shared().isUp() ? node.shared().call(c -> c.gets(key), settings.timeoutMillis())
                    : CompletableFuture.failedFuture(new NodeFailure(NodeFailure.Kind.UNREACHABLE, "down")));
        }
        reads.awaitAll(pending);
        List<ReplicaInfo> infos = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            StoreNode node = nodes.get(i);
            CompletableFuture<NodeClient.Stored> f = pending.get(i);
            ReplicaInfo.Holding holding;
            long revision = -1;
            if (f.isCompletedExceptionally()) {
                holding = ReplicaInfo.Holding.NO_ANSWER;
            } else if (f.join() == null) {
                holding = ReplicaInfo.Holding.NOTHING;
            } else {
                SessionEnvelope e = codec.decodeAndVerify(f.join().value(), key);
                if (e == null || e == EnvelopeCodec.UNVERIFIED) {
                    holding = ReplicaInfo.Holding.UNREADABLE;
                } else {
                    holding = e.isTombstone() ? ReplicaInfo.Holding.TOMBSTONE : ReplicaInfo.Holding.COPY;
                    revision = e.revision();
                }
            }
            infos.add(new ReplicaInfo(node.address(), node.shared().health().state(), current.contains(node),
                    holding, revision));
        }
        return infos;
    }
}
