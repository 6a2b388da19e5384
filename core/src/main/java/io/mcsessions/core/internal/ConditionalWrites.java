package io.mcsessions.core.internal;

import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.StoreStats.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The writes that must never replace something newer, because another instance may write the same session
 * meanwhile: write-back of what an outage kept, and access refreshes of sessions used without a change. Each
 * looks at the node first ({@code gets}), then writes with {@code add} where it is empty or compare-and-swap
 * where it holds what was looked at.
 */
final class ConditionalWrites {
    private final ReplicaSet replicas;
    private final EnvelopeCodec codec;
    private final StoreCounters counters;
    private final SessionKeys keys;
    private final long timeoutMillis;
    private final String writerId;
    private final StoreClock clock;

    ConditionalWrites(ReplicaSet replicas, EnvelopeCodec codec, StoreCounters counters, SessionKeys keys,
                      long timeoutMillis, String writerId, StoreClock clock) {
        this.replicas = replicas;
        this.codec = codec;
        this.counters = counters;
        this.keys = keys;
        this.timeoutMillis = timeoutMillis;
        this.writerId = writerId;
        this.clock = clock;
    }

    /**
     * Writes a record kept by write-back, where it is newer than what memcached holds. A copy never goes over a
     * tombstone, whatever its revision (a session ended elsewhere stays ended), and gets only what is left of the
     * session's life. Done only once every node the session's copies belong on (the first N of its preference
     * list) holds it: another instance that never saw the outage reads those nodes only. Runs on the caller's
     * thread and waits (write-back's own thread, off the request path).
     */
    WriteBack.Outcome writeIfNewer(WriteBack.Pending pending) {
        String key = keys.sessionKey(pending.id());
        long now = clock.wallMillis();
        SessionEnvelope envelope;
        int expiration;
        if (pending.isEnd()) {
            envelope = SessionEnvelope.tombstone(pending.revision(), now, pending.ttlSeconds(), writerId);
            expiration = Expiry.seconds(pending.ttlSeconds(), now);
        } else {
            SessionRecord record = pending.record();
            if (pending.notAfterMillis() - now < 1000) {
                return WriteBack.Outcome.SUPERSEDED; // the session's life is over
            }
            envelope = SessionEnvelope.session(record.revision(), now, record.creationTime(),
                    record.lastAccessedTime(), record.maxInactiveSeconds(), writerId, record.payload());
            expiration = Expiry.until(pending.notAfterMillis(), now);
        }
        byte[] bytes = codec.encode(envelope, key);
        List<StoreNode> preferred = replicas.preferred(key);
        int reached = 0;
        int preferredReached = 0;
        for (StoreNode node : replicas.replicasFor(key)) {
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
                    SessionEnvelope current = codec.parse(id, key, null, held.value());
                    if (current == EnvelopeCodec.UNVERIFIED) {
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
    CompletableFuture<Boolean> refreshAccess(String sessionId, long accessedAt) {
        String key = keys.sessionKey(sessionId);
        List<StoreNode> targets = replicas.replicasFor(key);
        if (targets.isEmpty()) {
            return CompletableFuture.completedFuture(true);
        }
        List<CompletableFuture<Boolean>> each = new ArrayList<>(targets.size());
        for (StoreNode node : targets) {
            each.add(refreshAccessOn(node, sessionId, key, accessedAt)
                    .exceptionally(failure -> true)); // no answer: nothing known
        }
        counters.increment(Counter.TOUCH);
        return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
                .thenApply(done -> each.stream().anyMatch(CompletableFuture::join));
    }

    private CompletableFuture<Boolean> refreshAccessOn(StoreNode node, String sessionId, String key, long accessedAt) {
        return node.shared().call(c -> c.gets(key), timeoutMillis).thenCompose(held -> {
            SessionEnvelope current = held == null ? null : codec.parse(sessionId, key, node, held.value());
            if (current == EnvelopeCodec.UNVERIFIED) {
                return CompletableFuture.completedFuture(true); // not ours to judge, nor to rewrite
            }
            long now = clock.wallMillis();
            if (current == null || current.isTombstone() || Expiry.isExpired(current, now)) {
                return CompletableFuture.completedFuture(false);
            }
            if (current.lastAccessedTime() >= accessedAt) {
                return CompletableFuture.completedFuture(true);
            }
            SessionEnvelope refreshed = current.accessedAt(accessedAt, now);
            byte[] bytes = codec.encode(refreshed, key);
            int expiration = Expiry.until(refreshed.expiresAt(), now);
            return node.shared().call(c -> c.cas(key, held.cas(), expiration, bytes), timeoutMillis)
                    .thenApply(swapped -> true); // not swapped: a write landed meanwhile, with a newer access
        });
    }
}
