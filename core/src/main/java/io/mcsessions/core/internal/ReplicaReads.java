package io.mcsessions.core.internal;

import io.mcsessions.core.StoreStats.Counter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads a session's copies and takes the newest; a replica found behind, empty or unreadable is repaired in the
 * background with compare-and-swap (or add, when empty), so a repair never overwrites a write that landed
 * meanwhile. Also the one place that waits for several node operations at once, on the caller's thread.
 */
final class ReplicaReads {
    private final ReplicaSet replicas;
    private final EnvelopeCodec codec;
    private final StoreCounters counters;
    private final long timeoutMillis;
    private final StoreClock clock;

    ReplicaReads(ReplicaSet replicas, EnvelopeCodec codec, StoreCounters counters, long timeoutMillis,
                 StoreClock clock) {
        this.replicas = replicas;
        this.codec = codec;
        this.counters = counters;
        this.timeoutMillis = timeoutMillis;
        this.clock = clock;
    }

    /** What one replica answered to a read; {@code failed}: no answer, or one this instance cannot verify. */
    record ReplicaRead(StoreNode node, NodeClient.Stored stored, SessionEnvelope envelope, boolean failed) {
    }

    /** The newest copy among the replicas (null: none), its bytes, and what each replica answered. */
    record Newest(SessionEnvelope envelope, byte[] bytes, List<ReplicaRead> reads) {
        boolean anyFailed() {
            return reads.stream().anyMatch(ReplicaRead::failed);
        }

        long answers() {
            return reads.stream().filter(read -> !read.failed()).count();
        }
    }

    /**
     * The newest envelope (possibly a tombstone), or null when no node is up. The replicas are asked first, and
     * with them any node further down the list that may hold a newer copy because a replica came back recently
     * (see {@link ReplicaSet#readThrough}). When none of them holds a copy, or one of them failed to answer, the other
     * nodes that are up are asked too: a copy written while the replicas were down (and that they lost by
     * restarting empty), or handed to the next node when a replica failed, is still found, and repaired onto them.
     */
    Newest readNewest(String sessionId, String key) {
        ReplicaSet.ReadPlan plan = replicas.readPlan(key);
        if (plan.first().isEmpty()) {
            return null;
        }
        Newest newest = read(sessionId, key, plan.first(), List.of());
        List<StoreNode> others = plan.others();
        if ((newest.envelope() == null || newest.anyFailed()) && !others.isEmpty()) {
            newest = read(sessionId, key, others, newest.reads());
        }
        return newest;
    }

    /** Reads every one of {@code nodes}, adding to what {@code earlier} reads answered. */
    Newest read(String sessionId, String key, List<StoreNode> nodes, List<ReplicaRead> earlier) {
        List<CompletableFuture<NodeClient.Stored>> pending = new ArrayList<>(nodes.size());
        for (StoreNode node : nodes) {
            pending.add(node.shared().call(c -> c.gets(key), timeoutMillis));
        }
        awaitAll(pending);
        List<ReplicaRead> reads = new ArrayList<>(earlier);
        SessionEnvelope best = null;
        byte[] bestBytes = null;
        long now = clock.wallMillis();
        for (ReplicaRead earlierRead : earlier) {
            if (earlierRead.envelope() != null && earlierRead.envelope().isNewerThan(best)) {
                best = earlierRead.envelope();
                bestBytes = earlierRead.stored().value();
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            CompletableFuture<NodeClient.Stored> f = pending.get(i);
            if (f.isCompletedExceptionally()) {
                reads.add(new ReplicaRead(nodes.get(i), null, null, true));
                continue;
            }
            NodeClient.Stored stored = f.join();
            SessionEnvelope envelope = stored == null ? null : codec.parse(sessionId, key, nodes.get(i), stored.value());
            if (envelope == EnvelopeCodec.UNVERIFIED) {
                // Signed with a key this instance does not know (another instance may, in the middle of a key
                // rotation), or forged: not an answer, and not ours to overwrite.
                reads.add(new ReplicaRead(nodes.get(i), stored, null, true));
                continue;
            }
            if (envelope != null && Expiry.isExpired(envelope, now)) {
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

    /**
     * Brings the copies where they belong now up to the newest: the first N up nodes of the key's order (of each
     * node list consulted, after a change at run time: see {@link ReplicaSet}), passing
     * over any node this read found failing, so that a read that meets a failed replica repairs onto the next
     * node, as a write does. Compare-and-swap (or add where empty): a repair never overwrites a write that landed
     * meanwhile. In the background; the load does not wait.
     */
    void repairBehind(String sessionId, String key, Newest newest) {
        SessionEnvelope best = newest.envelope();
        int expiration = Expiry.remainingLifeSeconds(best, clock.wallMillis());
        if (expiration < 0) {
            return; // about to expire: a repair must not give it a new life
        }
        Map<StoreNode, ReplicaRead> readFrom = new HashMap<>();
        newest.reads().forEach(read -> readFrom.put(read.node(), read));
        int placed = 0;
        ReplicaSet.Placement placement = replicas.placement(key);
        for (StoreNode node : placement.order()) {
            if (placed == placement.targets()) {
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
            SessionEnvelope current = codec.parse(sessionId, key, node, held.value());
            if (current == EnvelopeCodec.UNVERIFIED || (current != null && !best.isNewerThan(current))) {
                return CompletableFuture.completedFuture(false);
            }
            counters.increment(Counter.REPAIR);
            return node.shared().call(c -> c.cas(key, held.cas(), expiration, bytes), timeoutMillis);
        });
    }

    /**
     * Waits, on the caller's thread (a request's, never a completion stage's), until every future is done. Each
     * is bounded by the operation timeout already (extended across stalls of this JVM); the outer bound only guards
     * against a bug, and is extended across a stall likewise. A future still pending after it is failed as a
     * timeout.
     */
    void awaitAll(List<? extends CompletableFuture<?>> futures) {
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        // The system clock, not the store's: these are real waits, measured against the JVM-wide StallMonitor.
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
            if (!future.isDone()) { // the usual case is that every one answered: no failure to make then
                future.completeExceptionally(new NodeFailure(NodeFailure.Kind.TIMEOUT, "no answer in time"));
            }
        }
    }
}
