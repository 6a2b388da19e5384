package io.mcsessions.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Where a session's copies are: every configured node in the key's preference order, the first N that are up
 * being its replicas; and how far past them a read must look after a node came back.
 */
final class ReplicaSet {
    /** The shortest settle window: the servlet default session timeout. */
    private static final int MIN_SETTLE_SECONDS = 30 * 60;
    /** The longest settle window, also for sessions that never expire. */
    private static final int MAX_SETTLE_SECONDS = 24 * 3600;

    private final List<StoreNode> nodes;
    private final ReplicaPlacement<StoreNode> placement;
    private final int redundancy;
    private final LongSupplier nanoClock;
    /**
     * How long a copy written while a node was away can stay the newest one: the longest session life this store
     * wrote, within {@link #MIN_SETTLE_SECONDS} and {@link #MAX_SETTLE_SECONDS}.
     */
    private final AtomicInteger settleSeconds = new AtomicInteger(MIN_SETTLE_SECONDS);

    ReplicaSet(List<StoreNode> nodes, int redundancy, LongSupplier nanoClock) {
        this.nodes = List.copyOf(nodes);
        this.placement = new ReplicaPlacement<>(nodes, nodes.stream().map(n -> n.address().id()).toList());
        this.redundancy = redundancy;
        this.nanoClock = nanoClock;
    }

    List<StoreNode> all() {
        return nodes;
    }

    int redundancy() {
        return redundancy;
    }

    /** The copies "absent" needs answers from: as many as a write leaves, or every node. */
    int answersForAbsent() {
        return Math.min(redundancy, nodes.size());
    }

    /** The nodes that hold the key's copies now: the first N of its preference list that are up. */
    List<StoreNode> replicasFor(String key) {
        List<StoreNode> up = upInPreferenceOrder(key);
        return up.size() <= redundancy ? up : up.subList(0, redundancy);
    }

    /** The nodes the key's copies belong on when every node is up: the first N of its preference list. */
    List<StoreNode> preferred(String key) {
        return placement.preferenceList(key).subList(0, answersForAbsent());
    }

    List<StoreNode> upInPreferenceOrder(String key) {
        List<StoreNode> up = new ArrayList<>(nodes.size());
        for (StoreNode node : placement.preferenceList(key)) {
            if (node.shared().isUp()) {
                up.add(node);
            }
        }
        return up;
    }

    /** Every node that is up, in configuration order. */
    List<StoreNode> up() {
        return nodes.stream().filter(n -> n.shared().isUp()).toList();
    }

    /** A copy with this timeout was written: a read may have to look past a returned node that long. */
    void wrote(int maxInactiveSeconds) {
        int life = maxInactiveSeconds <= 0 ? MAX_SETTLE_SECONDS : Math.min(MAX_SETTLE_SECONDS, maxInactiveSeconds);
        if (life > settleSeconds.get()) {
            settleSeconds.accumulateAndGet(life, Math::max);
        }
    }

    /** How many of the up nodes (in the key's order) a read asks first; see {@link #readThrough}. */
    int readEnd(List<StoreNode> up) {
        long settledSince = nanoClock.getAsLong() - TimeUnit.SECONDS.toNanos(settleSeconds.get());
        return readThrough(up, redundancy, node -> node.shared().health().upContinuouslySince(settledSince));
    }

    /**
     * How many of the up nodes (in the key's preference order) a read asks: through the N-th one that has been up
     * for the whole settle window. All that time those N were up and ahead of every node after them, so every
     * write went to nodes no further down; the newest copy is among the nodes asked. In a steady state that is
     * exactly the N replicas. After a node came back it is one or more nodes more, for keys whose replicas
     * include it: the newest copy may sit on the node that stood in for it (and the node that came back may hold
     * an older one, or a second node may have been away meanwhile). Fewer than N such nodes: every node that is up.
     */
    static <T> int readThrough(List<T> up, int redundancy, Predicate<T> upAllWindow) {
        int settled = 0;
        for (int i = 0; i < up.size(); i++) {
            if (upAllWindow.test(up.get(i)) && ++settled == redundancy) {
                return i + 1;
            }
        }
        return up.size();
    }
}
