package io.mcsessions.core.internal;

import io.mcsessions.core.SaveResult;
import io.mcsessions.core.StoreStats.Counter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One write of a session to its replicas: the first N up nodes of the key's preference list, in parallel. A
 * replica that fails (refused, reset, timed out, or said no) hands its copy to the next up node in the key's order
 * that this write has not used yet, so a node lost in flight leaves N copies, not one, and a second failure a
 * moment later loses nothing acknowledged. Fewer than N acknowledgements once every candidate was tried is an
 * under-replicated write, healed by the next write or read.
 *
 * <p>The caller's future completes when every replica has answered (or failed and handed over), not on the first
 * acknowledgement. Two instances that disagree for a moment about which node is down (one saw a timeout the other
 * did not) write to and read from different replica sets; with 3 nodes and N=2 any two sets share a node, but a
 * reader only finds the newest copy there if the writer's request waited until that node had it. Reads already
 * wait for every replica; so do writes. A hung replica costs the writer its timeout once: it takes the node down,
 * which releases the write, and the copy goes to the next node.
 */
final class ReplicaWrite {
    private final List<StoreNode> order;
    private final int redundancy;
    private final long revision;
    private final long timeoutMillis;
    private final Function<NodeClient, CompletableFuture<Boolean>> write;
    private final StoreCounters counters;
    private final CompletableFuture<SaveResult> result = new CompletableFuture<>();
    /** Guarded by this: the next node of {@link #order} to try, copies acknowledged, writes in flight. */
    private int next;
    private int acknowledged;
    private int inFlight;
    private boolean tooLarge;

    private ReplicaWrite(List<StoreNode> order, int redundancy, long revision, long timeoutMillis,
                         Function<NodeClient, CompletableFuture<Boolean>> write, StoreCounters counters) {
        this.order = order;
        this.redundancy = redundancy;
        this.revision = revision;
        this.timeoutMillis = timeoutMillis;
        this.write = write;
        this.counters = counters;
    }

    /**
     * Starts the write.
     *
     * @param order      the nodes that are up, in the key's preference order
     * @param targets    how many of the first nodes of {@code order} the write goes to: {@code redundancy}, or more
     *                   while the node list changes (the replicas of the old list and of the new one)
     * @param redundancy the copies a write must leave not to count as under-replicated
     */
    static CompletableFuture<SaveResult> start(List<StoreNode> order, int targets, int redundancy, long revision,
                                               long timeoutMillis, Function<NodeClient, CompletableFuture<Boolean>> write,
                                               StoreCounters counters) {
        if (order.isEmpty()) {
            counters.increment(Counter.SAVE_DEGRADED);
            return CompletableFuture.completedFuture(new SaveResult(SaveResult.Outcome.DEGRADED, revision,
                    "no memcached node is up"));
        }
        ReplicaWrite replicaWrite = new ReplicaWrite(order, redundancy, revision, timeoutMillis, write, counters);
        List<StoreNode> first;
        synchronized (replicaWrite) {
            replicaWrite.next = Math.min(targets, order.size());
            replicaWrite.inFlight = replicaWrite.next;
            first = order.subList(0, replicaWrite.next);
        }
        first.forEach(replicaWrite::send);
        return replicaWrite.result;
    }

    private void send(StoreNode node) {
        node.shared().call(write, timeoutMillis).whenComplete((stored, failure) -> {
            boolean ok = failure == null && Boolean.TRUE.equals(stored);
            boolean valueTooLarge = failure != null
                    && NodeFailure.of(failure).kind() == NodeFailure.Kind.VALUE_TOO_LARGE;
            StoreNode instead = null;
            boolean done;
            synchronized (this) {
                inFlight--;
                if (ok) {
                    acknowledged++;
                } else if (valueTooLarge) {
                    tooLarge = true; // a property of the value: the next node would refuse it too
                } else {
                    instead = nextUpNode();
                    if (instead != null) {
                        inFlight++;
                    }
                }
                done = inFlight == 0;
            }
            if (instead != null) {
                send(instead);
            } else if (done) {
                finished();
            }
        });
    }

    /** The next node in the key's order not used by this write that is still up, or null. Guarded by this. */
    private StoreNode nextUpNode() {
        while (next < order.size()) {
            StoreNode candidate = order.get(next++);
            if (candidate.shared().isUp()) {
                return candidate;
            }
        }
        return null;
    }

    private void finished() {
        int acks;
        boolean rejected;
        synchronized (this) {
            acks = acknowledged;
            rejected = tooLarge;
        }
        if (acks > 0) {
            counters.increment(Counter.SAVE_STORED);
            if (acks < redundancy) {
                counters.increment(Counter.SAVE_UNDER_REPLICATED);
            }
            result.complete(new SaveResult(SaveResult.Outcome.STORED, revision, ""));
        } else {
            counters.increment(rejected ? Counter.SAVE_REJECTED : Counter.SAVE_DEGRADED);
            result.complete(new SaveResult(rejected ? SaveResult.Outcome.REJECTED : SaveResult.Outcome.DEGRADED,
                    revision, rejected ? "memcached refused the value as larger than its item size limit (-I)"
                            : "no replica acknowledged the write"));
        }
    }
}
