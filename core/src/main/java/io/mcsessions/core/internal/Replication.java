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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Reads and writes one session's replicas.
 *
 * <p>Reads ask every replica and take the highest revision; a replica found behind, empty or unreadable is
 * repaired in the background with compare-and-swap (or add, when empty), so a repair never overwrites a write
 * that landed meanwhile. Writes go to all replicas in parallel and succeed with the first acknowledgement;
 * fewer than N are counted and healed by the next write or read. Invalidation writes a tombstone with a higher
 * revision to every node that is up, so a replica that missed it cannot bring the session back.
 */
public final class Replication {
    private static final int THIRTY_DAYS_SECONDS = 30 * 24 * 3600;
    /** Tombstones outlive any copy they shadow: a copy lives at most max-inactive after its last write. */
    private static final int TOMBSTONE_MARGIN_SECONDS = 60;
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
        repairBehind(key, newest);
        SessionEnvelope e = newest.envelope();
        if (e.isTombstone()) {
            counters.increment(Counter.LOAD_ABSENT);
            return LoadResult.absent();
        }
        counters.increment(Counter.LOAD_FOUND);
        return LoadResult.found(new SessionRecord(sessionId, e.revision(), e.creationTime(), e.lastAccessedTime(),
                e.maxInactiveSeconds(), e.payload()), signer != null); // with a signer, only verified values parse
    }

    /**
     * The newest envelope (possibly a tombstone), or null when no node is up. The replicas are asked first, and
     * with them any node further down the list that may hold a newer copy because a replica came back recently
     * (see {@link #readThrough}). When none of them holds a copy, the other nodes that are up are asked too, so a
     * copy written while the replicas were down (and that they lost by restarting empty) is still found, and
     * repaired onto them.
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
        if (newest.envelope() == null && !others.isEmpty()) {
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
            reads.add(new ReplicaRead(nodes.get(i), stored, envelope, false));
            if (envelope != null && envelope.isNewerThan(best)) {
                best = envelope;
                bestBytes = stored.value();
            }
        }
        return new Newest(best, bestBytes, reads);
    }

    private SessionEnvelope parse(String sessionId, String key, StoreNode node, byte[] value) {
        try {
            SessionEnvelope envelope = SessionEnvelope.decode(value);
            if (signer != null && !signer.verify(value, envelope, key)) {
                counters.increment(Counter.SIGNATURE_REJECTED);
                badSignatures.warn(storeName + " - memcached node " + describe(node) + " holds a value "
                        + "for session " + SessionIds.shorten(sessionId) + " without a valid signature ("
                        + (envelope.isSigned() ? "signed with an unknown key, or altered" : "unsigned")
                        + "); it is ignored unread and overwritten with the newest signed copy");
                return null;
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

    private void repairBehind(String key, Newest newest) {
        SessionEnvelope best = newest.envelope();
        int expiration = remainingLifeSeconds(best);
        if (expiration < 0) {
            return; // about to expire: a repair must not give it a new life
        }
        List<ReplicaRead> reads = newest.reads();
        for (ReplicaRead read : reads.subList(0, Math.min(redundancy, reads.size()))) {
            if (read.failed() || (read.envelope() != null && !best.isNewerThan(read.envelope()))) {
                continue;
            }
            counters.increment(Counter.REPAIR);
            if (read.stored() == null) {
                read.node().shared().call(c -> c.add(key, expiration, newest.bytes()), timeoutMillis);
            } else {
                long cas = read.stored().cas();
                read.node().shared().call(c -> c.cas(key, cas, expiration, newest.bytes()), timeoutMillis);
            }
        }
    }

    /** Writes the record to its replicas; completes with the first acknowledgement, or when all have failed. */
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
        int expiration = expiration(record.maxInactiveSeconds());
        int life = record.maxInactiveSeconds() <= 0 ? MAX_SETTLE_SECONDS
                : Math.min(MAX_SETTLE_SECONDS, record.maxInactiveSeconds());
        if (life > settleSeconds.get()) {
            settleSeconds.accumulateAndGet(life, Math::max);
        }
        return writeToReplicas(key, record.revision(), c -> c.set(key, expiration, bytes));
    }

    private CompletableFuture<SaveResult> writeToReplicas(String key, long revision,
                                                          Function<NodeClient, CompletableFuture<Boolean>> write) {
        List<StoreNode> replicas = replicasFor(key);
        if (replicas.isEmpty()) {
            counters.increment(Counter.SAVE_DEGRADED);
            return CompletableFuture.completedFuture(new SaveResult(SaveResult.Outcome.DEGRADED, revision,
                    "no memcached node is up"));
        }
        CompletableFuture<SaveResult> result = new CompletableFuture<>();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        AtomicBoolean tooLarge = new AtomicBoolean();
        for (StoreNode node : replicas) {
            node.shared().call(write, timeoutMillis).whenComplete((stored, failure) -> {
                if (failure == null && Boolean.TRUE.equals(stored)) {
                    if (acknowledged.incrementAndGet() == 1) {
                        counters.increment(Counter.SAVE_STORED);
                        result.complete(new SaveResult(SaveResult.Outcome.STORED, revision, ""));
                    }
                } else if (failure != null && NodeFailure.of(failure).kind() == NodeFailure.Kind.VALUE_TOO_LARGE) {
                    tooLarge.set(true);
                }
                if (finished.incrementAndGet() == replicas.size()) {
                    int acks = acknowledged.get();
                    if (acks == 0) {
                        boolean rejected = tooLarge.get();
                        counters.increment(rejected ? Counter.SAVE_REJECTED : Counter.SAVE_DEGRADED);
                        result.complete(new SaveResult(rejected ? SaveResult.Outcome.REJECTED
                                : SaveResult.Outcome.DEGRADED, revision, rejected
                                ? "memcached refused the value as larger than its item size limit (-I)"
                                : "no replica acknowledged the write"));
                    } else if (acks < redundancy) {
                        counters.increment(Counter.SAVE_UNDER_REPLICATED);
                    }
                }
            });
        }
        return result;
    }

    /**
     * Writes the record to each replica only where it is newer than what the replica holds: {@code add} where the
     * replica is empty, compare-and-swap where it holds an older copy, nothing where it holds a newer one or a
     * tombstone. For write-back, which runs while other instances may write the same session: a plain set could
     * put an older copy over a newer one. Runs on the caller's thread and waits (off the request path).
     *
     * @return STORED when a replica took it, REJECTED when a replica already held something newer, DEGRADED when
     *         no replica answered
     */
    public SaveResult.Outcome writeIfNewer(SessionRecord record) {
        String key = keys.sessionKey(record.id());
        SessionEnvelope envelope = SessionEnvelope.session(record.revision(), System.currentTimeMillis(),
                record.creationTime(), record.lastAccessedTime(), record.maxInactiveSeconds(), writerId,
                record.payload());
        byte[] bytes = encode(envelope, key);
        int expiration = expiration(record.maxInactiveSeconds());
        SaveResult.Outcome outcome = SaveResult.Outcome.DEGRADED;
        for (StoreNode node : replicasFor(key)) {
            SaveResult.Outcome onNode = writeIfNewer(node.shared(), record.id(), key, envelope, bytes, expiration);
            if (onNode == SaveResult.Outcome.REJECTED) {
                return onNode;
            }
            if (onNode == SaveResult.Outcome.STORED) {
                outcome = onNode;
            }
        }
        return outcome;
    }

    private SaveResult.Outcome writeIfNewer(SharedNode node, String id, String key, SessionEnvelope envelope,
                                            byte[] bytes, int expiration) {
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                NodeClient.Stored held = node.call(c -> c.gets(key), timeoutMillis).join();
                Boolean written;
                if (held == null) {
                    written = node.call(c -> c.add(key, expiration, bytes), timeoutMillis).join();
                } else {
                    SessionEnvelope current = parse(id, key, null, held.value());
                    if (current != null && !envelope.isNewerThan(current)) {
                        return SaveResult.Outcome.REJECTED;
                    }
                    written = node.call(c -> c.cas(key, held.cas(), expiration, bytes), timeoutMillis).join();
                }
                if (Boolean.TRUE.equals(written)) {
                    return SaveResult.Outcome.STORED;
                }
                // someone wrote in between: look again
            }
            return SaveResult.Outcome.REJECTED;
        } catch (RuntimeException e) {
            return SaveResult.Outcome.DEGRADED; // this node failed; its health has heard of it
        }
    }

    /** Resets the copies' expiration without rewriting them; true when at least one replica held the session. */
    public boolean touch(String sessionId, int maxInactiveSeconds) {
        String key = keys.sessionKey(sessionId);
        int expiration = expiration(maxInactiveSeconds);
        List<CompletableFuture<Boolean>> pending = new ArrayList<>();
        for (StoreNode node : replicasFor(key)) {
            pending.add(node.shared().call(c -> c.touch(key, expiration), timeoutMillis));
        }
        awaitAll(pending);
        counters.increment(Counter.TOUCH);
        return pending.stream().anyMatch(f -> !f.isCompletedExceptionally() && Boolean.TRUE.equals(f.join()));
    }

    /**
     * Writes a tombstone above {@code lastKnownRevision} to every node that is up; completes with the first
     * acknowledgement.
     */
    public CompletableFuture<SaveResult> invalidate(String sessionId, long lastKnownRevision, int maxInactiveSeconds) {
        long revision = Revisions.next(lastKnownRevision);
        int ttl = maxInactiveSeconds <= 0 ? 0 : maxInactiveSeconds + TOMBSTONE_MARGIN_SECONDS;
        String key = keys.sessionKey(sessionId);
        byte[] bytes = encode(SessionEnvelope.tombstone(revision, System.currentTimeMillis(), ttl, writerId), key);
        int expiration = expiration(ttl);
        counters.increment(Counter.INVALIDATE);
        List<StoreNode> up = nodes.stream().filter(n -> n.shared().isUp()).toList();
        if (up.isEmpty()) {
            return CompletableFuture.completedFuture(new SaveResult(SaveResult.Outcome.DEGRADED, revision,
                    "no memcached node is up"));
        }
        CompletableFuture<SaveResult> result = new CompletableFuture<>();
        AtomicInteger finished = new AtomicInteger();
        for (StoreNode node : up) {
            node.shared().call(c -> c.set(key, expiration, bytes), timeoutMillis).whenComplete((ok, failure) -> {
                if (failure == null) {
                    result.complete(new SaveResult(SaveResult.Outcome.STORED, revision, ""));
                } else if (finished.incrementAndGet() == up.size()) {
                    result.complete(new SaveResult(SaveResult.Outcome.DEGRADED, revision,
                            "no node acknowledged the tombstone"));
                }
            });
        }
        return result;
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
     * The expiration a repaired copy gets: what is left of the newest copy's life since it was saved, so that
     * replicas expiring a second apart (memcached clocks differ) cannot keep re-creating each other forever.
     * A session kept alive by touches alone is past that estimate; its missing copies come back with its next
     * save. Returns 0 for a copy that never expires, -1 when less than a second is left.
     */
    static int remainingLifeSeconds(SessionEnvelope copy) {
        if (copy.maxInactiveSeconds() <= 0) {
            return 0;
        }
        long leftMillis = copy.savedAt() + copy.maxInactiveSeconds() * 1000L - System.currentTimeMillis();
        return leftMillis < 1000 ? -1 : expiration((int) Math.min(Integer.MAX_VALUE, (leftMillis + 999) / 1000));
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
