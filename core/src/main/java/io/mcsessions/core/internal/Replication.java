package io.mcsessions.core.internal;

import io.mcsessions.core.LoadResult;
import io.mcsessions.core.ReplicaInfo;
import io.mcsessions.core.Revisions;
import io.mcsessions.core.SaveResult;
import io.mcsessions.core.SessionIds;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.internal.StoreCounters.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Reads and writes one session's replicas.
 *
 * <p>Reads ask every replica and take the highest revision; a replica found behind, empty or unreadable is
 * repaired in the background with compare-and-swap (or add, when empty), so a repair never overwrites a write
 * that landed meanwhile. Writes go to all replicas in parallel and succeed with any acknowledgement;
 * fewer than N are counted and healed by the next write or read. Invalidation writes a tombstone with a higher
 * revision to every node that is up, so a replica that missed it cannot bring the session back.
 */
public final class Replication {
    private static final int THIRTY_DAYS_SECONDS = 30 * 24 * 3600;
    /** Tombstones outlive any copy they shadow: a copy lives at most max-inactive after its last write. */
    private static final int TOMBSTONE_MARGIN_SECONDS = 60;
    /** How far the clocks of two instances may differ before one takes a live copy for an expired one. */
    static final long CLOCK_SLACK_MILLIS = 500;
    /** memcached keeps a copy this much longer than the envelope says it lives. */
    private static final int EXPIRY_SLACK_SECONDS = 2;
    /** The shortest settle window: the servlet default session timeout. */
    private static final int MIN_SETTLE_SECONDS = 30 * 60;
    /** The longest settle window, also for sessions that never expire. */
    private static final int MAX_SETTLE_SECONDS = 24 * 3600;

    private final List<StoreNode> nodes;
    private final ReplicaPlacement<StoreNode> placement;
    private final int redundancy;
    private final long timeoutMillis;
    private final int maxValueSize;
    private final SessionKeys keys;
    private final StoreCounters counters;
    private final String writerId;
    private final String storeName;
    private final RateLimitedLog unreadableValues;
    private final RateLimitedLog oversizedValues;
    private final RateLimitedLog badSignatures;
    private final EnvelopeSigner signer;
    private final java.util.function.LongSupplier nanoClock;
    /**
     * How long a copy written while a node was away can stay the newest one: the longest session life this store
     * wrote, within {@link #MIN_SETTLE_SECONDS} and {@link #MAX_SETTLE_SECONDS}.
     */
    private final AtomicInteger settleSeconds = new AtomicInteger(MIN_SETTLE_SECONDS);

    public Replication(List<StoreNode> nodes, int redundancy, long timeoutMillis, int maxValueSize, SessionKeys keys,
                       StoreCounters counters, String storeName, String writerId, EnvelopeSigner signer,
                       java.util.function.LongSupplier nanoClock) {
        this.nodes = List.copyOf(nodes);
        this.placement = new ReplicaPlacement<>(nodes, nodes.stream().map(n -> n.address().id()).toList());
        this.redundancy = redundancy;
        this.timeoutMillis = timeoutMillis;
        this.maxValueSize = maxValueSize;
        this.keys = keys;
        this.counters = counters;
        this.storeName = storeName;
        this.writerId = writerId;
        System.Logger log = Logs.logger("io.mcsessions.core.Replication");
        this.unreadableValues = new RateLimitedLog(log, 60_000, nanoClock);
        this.oversizedValues = new RateLimitedLog(log, 60_000, nanoClock);
        this.badSignatures = new RateLimitedLog(log, 60_000, nanoClock);
        this.signer = signer;
        this.nanoClock = nanoClock;
    }

    /** The nodes that hold the key's copies now: the first N of its preference list that are up. */
    List<StoreNode> replicasFor(String key) {
        List<StoreNode> up = upInPreferenceOrder(key);
        return up.size() <= redundancy ? up : up.subList(0, redundancy);
    }

    private List<StoreNode> upInPreferenceOrder(String key) {
        List<StoreNode> up = new ArrayList<>(nodes.size());
        for (StoreNode node : placement.preferenceList(key)) {
            if (node.shared().isUp()) {
                up.add(node);
            }
        }
        return up;
    }

    /** What one replica answered to a read. */
    private record ReplicaRead(StoreNode node, NodeClient.Stored stored, SessionEnvelope envelope, boolean failed) {
    }

    /** The newest copy among the replicas, and what each replica answered. */
    private record Newest(SessionEnvelope envelope, byte[] bytes, List<ReplicaRead> reads) {
        boolean anyFailed() {
            return reads.stream().anyMatch(ReplicaRead::failed);
        }

        long answers() {
            return reads.stream().filter(read -> !read.failed()).count();
        }
    }

    public LoadResult load(String sessionId) {
        String key = keys.sessionKey(sessionId);
        Newest newest = readNewest(sessionId, key);
        if (newest == null || newest.envelope() == null) {
            // "Absent" needs as many answers as a write leaves copies (or every node): fewer answers while
            // other nodes are down or failing cannot rule out a copy on them.
            boolean unknown = newest == null || newest.anyFailed()
                    || newest.answers() < Math.min(redundancy, nodes.size());
            counters.increment(unknown ? Counter.LOAD_UNAVAILABLE : Counter.LOAD_ABSENT);
            return unknown ? LoadResult.unavailable() : LoadResult.absent();
        }
        repairBehind(sessionId, key, newest);
        SessionEnvelope e = newest.envelope();
        if (e.isTombstone()) {
            counters.increment(Counter.LOAD_ABSENT);
            return LoadResult.ended(e.revision());
        }
        counters.increment(Counter.LOAD_FOUND);
        return LoadResult.found(new SessionRecord(sessionId, e.revision(), e.creationTime(), e.lastAccessedTime(),
                e.maxInactiveSeconds(), e.payload()), signer != null); // with a signer, only verified values parse
    }

    /**
     * The newest envelope (possibly a tombstone), or null when no node is up. The replicas are asked first, and
     * with them any node further down the list that may hold a newer copy because a replica came back recently
     * (see {@link #readThrough}). When none of them holds a copy, or one of them failed to answer, the other nodes
     * that are up are asked too: a copy written while the replicas were down (and that they lost by restarting
     * empty), or handed to the next node when a replica failed, is still found, and repaired onto them.
     */
    private Newest readNewest(String sessionId, String key) {
        List<StoreNode> up = upInPreferenceOrder(key);
        if (up.isEmpty()) {
            return null;
        }
        long settledSince = nanoClock.getAsLong() - TimeUnit.SECONDS.toNanos(settleSeconds.get());
        int end = readThrough(up, redundancy, node -> node.shared().health().upContinuouslySince(settledSince));
        List<StoreNode> first = up.subList(0, end);
        List<StoreNode> others = up.subList(end, up.size());
        Newest newest = read(sessionId, key, first, List.of());
        // No copy on the first nodes, or one of them failed: the newest may be on the nodes after them (a write
        // hands a failed replica's copy to the next node; another instance may have seen a node down that this
        // one sees up). Read them too.
        if ((newest.envelope() == null || newest.anyFailed()) && !others.isEmpty()) {
            newest = read(sessionId, key, others, newest.reads());
        }
        return newest;
    }

    /**
     * How many of the up nodes (in the key's preference order) a read asks: through the N-th one that has been up
     * for the whole settle window. All that time those N were up and ahead of every node after them, so every
     * write went to nodes no further down; the newest copy is among the nodes asked. In a steady state that is
     * exactly the N replicas. After a node came back it is one or more nodes more, for keys whose replicas
     * include it: the newest copy may sit on the node that stood in for it (and the node that came back may hold
     * an older one, or a second node may have been away meanwhile). Fewer than N such nodes: every node that is up.
     */
    static <T> int readThrough(List<T> up, int redundancy, java.util.function.Predicate<T> upAllWindow) {
        int settled = 0;
        for (int i = 0; i < up.size(); i++) {
            if (upAllWindow.test(up.get(i)) && ++settled == redundancy) {
                return i + 1;
            }
        }
        return up.size();
    }

    private Newest read(String sessionId, String key, List<StoreNode> nodes, List<ReplicaRead> earlier) {
        List<CompletableFuture<NodeClient.Stored>> pending = new ArrayList<>(nodes.size());
        for (StoreNode node : nodes) {
            pending.add(node.shared().call(c -> c.gets(key), timeoutMillis));
        }
        awaitAll(pending);
        List<ReplicaRead> reads = new ArrayList<>(earlier);
        SessionEnvelope best = null;
        byte[] bestBytes = null;
        for (int i = 0; i < nodes.size(); i++) {
            CompletableFuture<NodeClient.Stored> f = pending.get(i);
            if (f.isCompletedExceptionally()) {
                reads.add(new ReplicaRead(nodes.get(i), null, null, true));
                continue;
            }
            NodeClient.Stored stored = f.join();
            SessionEnvelope envelope = stored == null ? null : parse(sessionId, key, nodes.get(i), stored.value());
            if (envelope == UNVERIFIED) {
                // Signed with a key this instance does not know (another instance may, in the middle of a key
                // rotation), or forged: not an answer, and not ours to overwrite.
                reads.add(new ReplicaRead(nodes.get(i), stored, null, true));
                continue;
            }
            if (envelope != null && isExpired(envelope)) {
                envelope = null; // past its last access plus its timeout: a miss, overwritten like one
            }
            reads.add(new ReplicaRead(nodes.get(i), stored, envelope, false));
            if (envelope != null && envelope.isNewerThan(best)) {
                best = envelope;
                bestBytes = stored.value();
            }
        }
        return new Newest(best, bestBytes, reads);
    }

    /** What {@link #parse} returns for a value whose signature does not verify; nothing else is this instance. */
    private static final SessionEnvelope UNVERIFIED = SessionEnvelope.tombstone(1, 0, 0, "unverified");

    /**
     * The value's envelope; null when it is not one of ours; {@link #UNVERIFIED} when its signature does not verify.
     * Callers that write compare with null only, and so take an unverified value for an unreadable one.
     */
    private SessionEnvelope parse(String sessionId, String key, StoreNode node, byte[] value) {
        try {
            SessionEnvelope envelope = SessionEnvelope.decode(value);
            if (signer != null && !signer.verify(value, envelope, key)) {
                counters.increment(Counter.SIGNATURE_REJECTED);
                badSignatures.warn(storeName + " - memcached node " + describe(node) + " holds a value "
                        + "for session " + SessionIds.shorten(sessionId) + " without a valid signature ("
                        + (envelope.isSigned() ? "signed with a key this instance does not have, or altered"
                        : "unsigned") + "); it is ignored unread, and does not count as an answer");
                return UNVERIFIED;
            }
            return envelope;
        } catch (SessionEnvelope.MalformedEnvelopeException e) {
            counters.increment(Counter.UNREADABLE_VALUE);
            unreadableValues.warn(storeName + " - memcached node " + describe(node) + " holds an unreadable "
                    + "value for session " + SessionIds.shorten(sessionId) + " (" + value.length + " bytes: "
                    + e.getMessage() + "); it is treated as a miss and overwritten with the newest copy");
            return null;
        }
    }

    private static String describe(StoreNode node) {
        return node == null ? "(write-back)" : node.address().describe();
    }

    /**
     * Brings the copies where they belong now up to the newest: the first N up nodes of the key's order, passing
     * over any node this read found failing, so that a read that meets a failed replica repairs onto the next
     * node, as a write does. Compare-and-swap (or add where empty): a repair never overwrites a write that landed
     * meanwhile. In the background; the load does not wait.
     */
    private void repairBehind(String sessionId, String key, Newest newest) {
        SessionEnvelope best = newest.envelope();
        int expiration = remainingLifeSeconds(best);
        if (expiration < 0) {
            return; // about to expire: a repair must not give it a new life
        }
        java.util.Map<StoreNode, ReplicaRead> readFrom = new java.util.HashMap<>();
        newest.reads().forEach(read -> readFrom.put(read.node(), read));
        int placed = 0;
        for (StoreNode node : upInPreferenceOrder(key)) {
            if (placed == redundancy) {
                break;
            }
            ReplicaRead read = readFrom.get(node);
            if (read != null && read.failed()) {
                continue;
            }
            placed++;
            if (read == null) {
                repairUnread(sessionId, key, node, best, newest.bytes(), expiration);
            } else if (read.envelope() == null || best.isNewerThan(read.envelope())) {
                counters.increment(Counter.REPAIR);
                if (read.stored() == null) {
                    node.shared().call(c -> c.add(key, expiration, newest.bytes()), timeoutMillis);
                } else {
                    long cas = read.stored().cas();
                    node.shared().call(c -> c.cas(key, cas, expiration, newest.bytes()), timeoutMillis);
                }
            }
        }
    }

    /** Repairs a node this read did not ask (it stands in for a replica that failed): look first, then write. */
    private void repairUnread(String sessionId, String key, StoreNode node, SessionEnvelope best, byte[] bytes,
                              int expiration) {
        node.shared().call(c -> c.gets(key), timeoutMillis).thenCompose(held -> {
            if (held == null) {
                counters.increment(Counter.REPAIR);
                return node.shared().call(c -> c.add(key, expiration, bytes), timeoutMillis);
            }
            SessionEnvelope current = parse(sessionId, key, node, held.value());
            if (current == UNVERIFIED || (current != null && !best.isNewerThan(current))) {
                return CompletableFuture.completedFuture(false);
            }
            counters.increment(Counter.REPAIR);
            return node.shared().call(c -> c.cas(key, held.cas(), expiration, bytes), timeoutMillis);
        });
    }

    /** Writes the record to its replicas (see {@link ReplicaWrite}); completes when every replica has answered. */
    public CompletableFuture<SaveResult> save(SessionRecord record) {
        SessionEnvelope envelope = SessionEnvelope.session(record.revision(), System.currentTimeMillis(),
                record.creationTime(), record.lastAccessedTime(), record.maxInactiveSeconds(), writerId,
                record.payload());
        String key = keys.sessionKey(record.id());
        byte[] bytes = encode(envelope, key);
        if (bytes.length > maxValueSize) {
            counters.increment(Counter.SAVE_REJECTED);
            String detail = "session " + SessionIds.shorten(record.id()) + " is " + bytes.length + " bytes serialized, "
                    + "over maxValueSize (" + maxValueSize + " bytes)";
            oversizedValues.warn(storeName + " - " + detail + "; it stays only in this container");
            return CompletableFuture.completedFuture(new SaveResult(SaveResult.Outcome.REJECTED, record.revision(),
                    detail));
        }
        int expiration = expirationUntil(envelope.expiresAt());
        int life = record.maxInactiveSeconds() <= 0 ? MAX_SETTLE_SECONDS
                : Math.min(MAX_SETTLE_SECONDS, record.maxInactiveSeconds());
        if (life > settleSeconds.get()) {
            settleSeconds.accumulateAndGet(life, Math::max);
        }
        return writeToReplicas(key, record.revision(), c -> c.set(key, expiration, bytes));
    }

    private CompletableFuture<SaveResult> writeToReplicas(String key, long revision,
                                                          Function<NodeClient, CompletableFuture<Boolean>> write) {
        return ReplicaWrite.start(upInPreferenceOrder(key), redundancy, revision, timeoutMillis, write, counters);
    }

    /**
     * Writes a record kept by write-back, where it is newer than what memcached holds: {@code add} where a node is
     * empty, compare-and-swap where it holds something older, nothing where it holds something newer. A copy never
     * goes over a tombstone, whatever its revision (a session ended elsewhere stays ended), and gets only what is
     * left of the session's life. Done only once every node the session's copies belong on (the first N of its
     * preference list) holds it: another instance that never saw the outage reads those nodes only. Another
     * instance may write the same session meanwhile: a plain set could put an older copy over a newer one. Runs on
     * the caller's thread and waits (write-back's own thread, off the request path).
     */
    public WriteBack.Outcome writeIfNewer(WriteBack.Pending pending) {
        String key = keys.sessionKey(pending.id());
        long now = System.currentTimeMillis();
        SessionEnvelope envelope;
        int expiration;
        if (pending.isEnd()) {
            envelope = SessionEnvelope.tombstone(pending.revision(), now, pending.ttlSeconds(), writerId);
            expiration = expiration(pending.ttlSeconds());
        } else {
            SessionRecord record = pending.record();
            long leftMillis = pending.notAfterMillis() - now;
            if (leftMillis < 1000) {
                return WriteBack.Outcome.SUPERSEDED; // the session's life is over
            }
            envelope = SessionEnvelope.session(record.revision(), now, record.creationTime(),
                    record.lastAccessedTime(), record.maxInactiveSeconds(), writerId, record.payload());
            expiration = record.maxInactiveSeconds() <= 0 ? 0
                    : expiration((int) Math.min(Integer.MAX_VALUE, (leftMillis + 999) / 1000));
        }
        byte[] bytes = encode(envelope, key);
        List<StoreNode> preferred = placement.preferenceList(key).subList(0, Math.min(redundancy, nodes.size()));
        int reached = 0;
        int preferredReached = 0;
        for (StoreNode node : replicasFor(key)) {
            NodeWrite onNode = writeIfNewer(node.shared(), pending.id(), key, envelope, bytes, expiration);
            if (onNode == NodeWrite.ENDED) {
                return WriteBack.Outcome.SUPERSEDED;
            }
            if (onNode != NodeWrite.FAILED) {
                reached++;
                preferredReached += preferred.contains(node) ? 1 : 0;
            }
        }
        if (reached == 0) {
            return WriteBack.Outcome.UNREACHABLE;
        }
        return preferredReached == preferred.size() ? WriteBack.Outcome.DONE : WriteBack.Outcome.PARTIAL;
    }

    /** What one conditional write found on a node. */
    private enum NodeWrite { STORED, HOLDS_NEWER, ENDED, FAILED }

    private NodeWrite writeIfNewer(SharedNode node, String id, String key, SessionEnvelope envelope,
                                   byte[] bytes, int expiration) {
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                NodeClient.Stored held = node.call(c -> c.gets(key), timeoutMillis).join();
                Boolean written;
                if (held == null) {
                    written = node.call(c -> c.add(key, expiration, bytes), timeoutMillis).join();
                } else {
                    SessionEnvelope current = parse(id, key, null, held.value());
                    if (current == UNVERIFIED) {
                        return NodeWrite.HOLDS_NEWER; // signed with a key we lack: not ours to overwrite
                    }
                    if (current != null && current.isTombstone() && !envelope.isTombstone()) {
                        return NodeWrite.ENDED;
                    }
                    if (current != null && !envelope.isNewerThan(current)) {
                        return NodeWrite.HOLDS_NEWER;
                    }
                    written = node.call(c -> c.cas(key, held.cas(), expiration, bytes), timeoutMillis).join();
                }
                if (Boolean.TRUE.equals(written)) {
                    return NodeWrite.STORED;
                }
                // someone wrote in between: look again
            }
            return NodeWrite.HOLDS_NEWER;
        } catch (RuntimeException e) {
            return NodeWrite.FAILED; // this node failed; its health has heard of it
        }
    }

    /**
     * Moves the last access of the session's copies on to {@code accessedAt}, where it is earlier: the same revision
     * and payload under a new header (signed again), with compare-and-swap so that a write that landed meanwhile is
     * never replaced. For sessions used without being changed: their expiry lives in the header, and is kept there
     * lazily (see {@link AccessKeeper}). Never waits.
     *
     * @return true when a replica holds a live copy (now at least that recent), false when none does (gone, ended
     *         or expired); true as well when no replica could say
     */
    public CompletableFuture<Boolean> refreshAccess(String sessionId, long accessedAt) {
        String key = keys.sessionKey(sessionId);
        List<StoreNode> replicas = replicasFor(key);
        if (replicas.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        List<CompletableFuture<Boolean>> each = new ArrayList<>(replicas.size());
        for (StoreNode node : replicas) {
            each.add(refreshAccessOn(node, sessionId, key, accessedAt)
                    .exceptionally(failure -> true)); // no answer: nothing known
        }
        counters.increment(Counter.TOUCH);
        return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> each.stream().anyMatch(CompletableFuture::join));
    }

    private CompletableFuture<Boolean> refreshAccessOn(StoreNode node, String sessionId, String key, long accessedAt) {
        return node.shared().call(c -> c.gets(key), timeoutMillis).thenCompose(held -> {
            SessionEnvelope current = held == null ? null : parse(sessionId, key, node, held.value());
            if (current == UNVERIFIED) {
                return CompletableFuture.completedFuture(true); // not ours to judge, nor to rewrite
            }
            if (current == null || current.isTombstone() || isExpired(current)) {
                return CompletableFuture.completedFuture(false);
            }
            if (current.lastAccessedTime() >= accessedAt) {
                return CompletableFuture.completedFuture(true);
            }
            SessionEnvelope refreshed = current.accessedAt(accessedAt, System.currentTimeMillis());
            byte[] bytes = encode(refreshed, key);
            int expiration = expirationUntil(refreshed.expiresAt());
            return node.shared().call(c -> c.cas(key, held.cas(), expiration, bytes), timeoutMillis)
                    .thenApply(swapped -> true); // not swapped: a write landed meanwhile, with a newer access
        });
    }

    /** A tombstone as written: its revision and how long memcached keeps it, and what became of the write. */
    public record Ended(SaveResult result, int ttlSeconds) {
    }

    /**
     * Ends the session: reads what the nodes hold (so the tombstone outranks the newest copy, whoever wrote it,
     * and outlives it), then writes a tombstone to every node that is up. Completes with the first acknowledgement.
     */
    public CompletableFuture<Ended> invalidate(String sessionId, long lastKnownRevision, int maxInactiveSeconds) {
        String key = keys.sessionKey(sessionId);
        counters.increment(Counter.INVALIDATE);
        List<StoreNode> up = nodes.stream().filter(n -> n.shared().isUp()).toList();
        long known = lastKnownRevision;
        int life = maxInactiveSeconds;
        if (!up.isEmpty()) {
            SessionEnvelope newest = read(sessionId, key, up, List.of()).envelope();
            if (newest != null) {
                known = Math.max(known, newest.revision());
                life = longerLife(life, newest.isTombstone() ? newest.maxInactiveSeconds() - TOMBSTONE_MARGIN_SECONDS
                        : newest.maxInactiveSeconds());
            }
        }
        long revision = Revisions.next(known);
        int ttl = life <= 0 ? 0 : life + TOMBSTONE_MARGIN_SECONDS;
        if (up.isEmpty()) {
            return CompletableFuture.completedFuture(new Ended(new SaveResult(SaveResult.Outcome.DEGRADED, revision,
                    "no memcached node is up"), ttl));
        }
        byte[] bytes = encode(SessionEnvelope.tombstone(revision, System.currentTimeMillis(), ttl, writerId), key);
        int expiration = expiration(ttl);
        CompletableFuture<Ended> result = new CompletableFuture<>();
        AtomicInteger finished = new AtomicInteger();
        for (StoreNode node : up) {
            node.shared().call(c -> c.set(key, expiration, bytes), timeoutMillis).whenComplete((ok, failure) -> {
                if (failure == null) {
                    result.complete(new Ended(new SaveResult(SaveResult.Outcome.STORED, revision, ""), ttl));
                } else if (finished.incrementAndGet() == up.size()) {
                    result.complete(new Ended(new SaveResult(SaveResult.Outcome.DEGRADED, revision,
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
        List<StoreNode> replicas = replicasFor(key);
        List<CompletableFuture<NodeClient.Stored>> pending = new ArrayList<>();
        for (StoreNode node : nodes) {
            pending.add(node.shared().isUp() ? node.shared().call(c -> c.gets(key), timeoutMillis)
                    : CompletableFuture.failedFuture(new NodeFailure(NodeFailure.Kind.UNREACHABLE, "down")));
        }
        awaitAll(pending);
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
                try {
                    SessionEnvelope e = SessionEnvelope.decode(f.join().value());
                    if (signer != null && !signer.verify(f.join().value(), e, key)) {
                        holding = ReplicaInfo.Holding.UNREADABLE;
                    } else {
                        holding = e.isTombstone() ? ReplicaInfo.Holding.TOMBSTONE : ReplicaInfo.Holding.COPY;
                        revision = e.revision();
                    }
                } catch (SessionEnvelope.MalformedEnvelopeException e) {
                    holding = ReplicaInfo.Holding.UNREADABLE;
                }
            }
            infos.add(new ReplicaInfo(node.address(), node.shared().health().state(), replicas.contains(node),
                    holding, revision));
        }
        return infos;
    }

    private byte[] encode(SessionEnvelope envelope, String key) {
        return signer == null ? envelope.encode() : signer.encode(envelope, key);
    }

    String sessionKey(String sessionId) {
        return keys.sessionKey(sessionId);
    }

    /**
     * The expiration a repaired copy gets: what is left of the newest copy's life (its last access plus its
     * timeout), so that a repair never gives a session a life it no longer has. Returns 0 for a copy that never
     * expires, -1 when less than a second is left.
     */
    static int remainingLifeSeconds(SessionEnvelope copy) {
        long expiresAt = copy.expiresAt();
        if (expiresAt == Long.MAX_VALUE) {
            return 0;
        }
        return expiresAt - System.currentTimeMillis() < 1000 ? -1 : expirationUntil(expiresAt);
    }

    /**
     * Whether a copy is past its life by this JVM's clock (with {@link #CLOCK_SLACK_MILLIS} for clocks that differ):
     * memcached may still hold it for a second or two, or hold it again because someone set it back.
     */
    static boolean isExpired(SessionEnvelope copy) {
        long expiresAt = copy.expiresAt();
        return expiresAt != Long.MAX_VALUE && expiresAt + CLOCK_SLACK_MILLIS < System.currentTimeMillis();
    }

    /**
     * memcached's expiration for a copy that stops being the session at {@code expiresAtMillis}: a little later,
     * so that memcached never drops a copy before every instance considers it expired (its clock counts whole
     * seconds, and ours may differ slightly). The envelope, not memcached, decides when a session ends.
     */
    static int expirationUntil(long expiresAtMillis) {
        if (expiresAtMillis == Long.MAX_VALUE) {
            return 0;
        }
        long left = Math.max(0, expiresAtMillis - System.currentTimeMillis());
        return expiration((int) Math.min(Integer.MAX_VALUE - 2, (left + 999) / 1000 + EXPIRY_SLACK_SECONDS));
    }

    /** memcached's expiration: seconds up to 30 days, beyond that an absolute Unix time; 0 never expires. */
    static int expiration(int seconds) {
        if (seconds <= 0) {
            return 0;
        }
        if (seconds <= THIRTY_DAYS_SECONDS) {
            return seconds;
        }
        return (int) Math.min(Integer.MAX_VALUE, System.currentTimeMillis() / 1000 + seconds);
    }

    private void awaitAll(List<? extends CompletableFuture<?>> futures) {
        // Every future is bounded by the operation timeout already (extended across stalls of this JVM); the outer
        // bound only guards against a bug, and is extended across a stall likewise.
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        long since = System.nanoTime();
        for (int extensions = 0; ; extensions++) {
            try {
                all.get(timeoutMillis * 2 + 1000, TimeUnit.MILLISECONDS);
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                break; // a failed read is one replica less
            } catch (java.util.concurrent.TimeoutException e) {
                long now = System.nanoTime();
                if (extensions == OperationTimeouts.MAX_EXTENSIONS || !StallMonitor.JVM.stalledSince(since, now)) {
                    break; // a late one is marked below
                }
                since = now;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (CompletableFuture<?> future : futures) {
            future.completeExceptionally(new NodeFailure(NodeFailure.Kind.TIMEOUT, "no answer in time"));
        }
    }
}
