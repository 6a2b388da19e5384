package io.mcsessions.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Where a session's copies are: every configured node in the key's preference order, the first N that are up
 * being its replicas; and how far past them a read must look after a node came back.
 *
 * <p>The node list can change at run time ({@link #change}). The lists it replaced are still consulted for the
 * settle window (the longest session life this store wrote): reads ask the union of each list's replicas, and
 * writes, repairs and locks go to each list's replicas too. So an instance that has not applied the change yet
 * (it reads only the old list's replicas) and one that has (it also reads the new list's) both find the newest
 * copy, and a session that is read or written during the window ends up on its new replicas. A session that is
 * neither for as long has expired by then: after the window only the new list is used. Every operation reads the
 * lists once, so it never mixes two generations.
 */
final class ReplicaSet {
    /** The shortest settle window: the servlet default session timeout. */
    private static final int MIN_SETTLE_SECONDS = 30 * 60;
    /** The longest settle window, also for sessions that never expire. */
    private static final int MAX_SETTLE_SECONDS = 24 * 3600;

    /** One node list, with the placement over it; a replaced list is consulted until {@code retiresAtNanos}. */
    private record Layout(List<StoreNode> nodes, ReplicaPlacement<StoreNode> placement, long retiresAtNanos) {
        static Layout of(List<StoreNode> nodes, long retiresAtNanos) {
            return new Layout(List.copyOf(nodes),
                    new ReplicaPlacement<>(nodes, nodes.stream().map(n -> n.address().id()).toList()), retiresAtNanos);
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
    }

    /** The list in use and the lists it replaced that are still consulted, newest first. */
    private record Layouts(Layout current, List<Layout> replaced) {
    }

    /**
     * Where one key's copies go: {@code order} starts with the {@code targets} nodes a write sends to (the first N
     * up nodes of each list consulted), followed by the other up nodes, which take the copy of a target that fails.
     */
    record Placement(List<StoreNode> order, int targets) {
        List<StoreNode> targetNodes() {
            return order.subList(0, targets);
        }
    }

    /** The nodes a read asks first ({@link #readThrough} of each list consulted), and the other up nodes. */
    record ReadPlan(List<StoreNode> first, List<StoreNode> others) {
    }

    private final AtomicReference<Layouts> layouts;
    private final int redundancy;
    private final LongSupplier nanoClock;
    /**
     * How long a copy written while a node was away can stay the newest one: the longest session life this store
     * wrote, within {@link #MIN_SETTLE_SECONDS} and {@link #MAX_SETTLE_SECONDS}.
     */
    private final AtomicInteger settleSeconds = new AtomicInteger(MIN_SETTLE_SECONDS);

    ReplicaSet(List<StoreNode> nodes, int redundancy, LongSupplier nanoClock) {
        this.layouts = new AtomicReference<>(new Layouts(Layout.of(nodes, 0), List.of()));
        this.redundancy = redundancy;
        this.nanoClock = nanoClock;
    }

    /** The list in use, then the replaced lists still consulted; read once per operation. */
    private List<Layout> consulted() {
        Layouts l = layouts.get();
        if (l.replaced().isEmpty()) {
            return List.of(l.current());
        }
        long now = nanoClock.getAsLong();
        List<Layout> consulted = new ArrayList<>(1 + l.replaced().size());
        consulted.add(l.current());
        for (Layout replaced : l.replaced()) {
            if (replaced.retiresAtNanos() - now > 0) {
                consulted.add(replaced);
            }
        }
        return consulted;
    }

    /** The nodes of the list in use, in configuration order. */
    List<StoreNode> current() {
        return layouts.get().current().nodes();
    }

    /** Every node consulted: the list in use, then the nodes only replaced lists still consulted name. */
    List<StoreNode> all() {
        Distinct all = new Distinct();
        for (Layout layout : consulted()) {
            layout.nodes().forEach(all::add);
        }
        return all.list;
    }

    /** The nodes that replaced lists still consulted name and the list in use does not. */
    List<StoreNode> retiring() {
        Distinct current = new Distinct();
        current().forEach(current::add);
        Distinct retiring = new Distinct();
        for (StoreNode node : all()) {
            if (!current.contains(node)) {
                retiring.add(node);
            }
        }
        return retiring.list;
    }

    int redundancy() {
        return redundancy;
    }

    /** The copies "absent" needs answers from: as many as a write leaves, or every node. */
    int answersForAbsent() {
        return Math.min(redundancy, current().size());
    }

    /** The nodes that hold the key's copies now: the first N of its preference list that are up, in each list. */
    List<StoreNode> replicasFor(String key) {
        return placement(key).targetNodes();
    }

    /**
     * Where the key's copies go: the first N up nodes of its order in the list in use and in each replaced list
     * still consulted (one node may be both), then the other up nodes in the same order of lists.
     */
    Placement placement(String key) {
        List<Layout> consulted = consulted();
        if (consulted.size() == 1) {
            List<StoreNode> up = consulted.get(0).upInPreferenceOrder(key);
            return new Placement(up, Math.min(redundancy, up.size()));
        }
        List<List<StoreNode>> ups = consulted.stream().map(l -> l.upInPreferenceOrder(key)).toList();
        Distinct order = new Distinct();
        for (List<StoreNode> up : ups) {
            up.subList(0, Math.min(redundancy, up.size())).forEach(order::add);
        }
        int targets = order.list.size();
        ups.forEach(up -> up.forEach(order::add));
        return new Placement(order.list, targets);
    }

    /** The nodes the key's copies belong on when every node is up: the first N of its preference list, in each list. */
    List<StoreNode> preferred(String key) {
        Distinct preferred = new Distinct();
        for (Layout layout : consulted()) {
            List<StoreNode> order = layout.placement().preferenceList(key);
            order.subList(0, Math.min(redundancy, order.size())).forEach(preferred::add);
        }
        return preferred.list;
    }

    /**
     * The nodes a read asks first: in each list consulted, the up nodes in the key's order through the N-th one that
     * has been up for the whole settle window ({@link #readThrough}); then every other node that is up.
     */
    ReadPlan readPlan(String key) {
        long settledSince = nanoClock.getAsLong() - TimeUnit.SECONDS.toNanos(settleSeconds.get());
        Predicate<StoreNode> settled = node -> node.shared().health().upContinuouslySince(settledSince);
        List<Layout> consulted = consulted();
        if (consulted.size() == 1) {
            List<StoreNode> up = consulted.get(0).upInPreferenceOrder(key);
            int end = readThrough(up, redundancy, settled);
            return new ReadPlan(up.subList(0, end), up.subList(end, up.size()));
        }
        List<List<StoreNode>> ups = consulted.stream().map(l -> l.upInPreferenceOrder(key)).toList();
        Distinct first = new Distinct();
        for (List<StoreNode> up : ups) {
            up.subList(0, readThrough(up, redundancy, settled)).forEach(first::add);
        }
        Distinct others = new Distinct();
        for (List<StoreNode> up : ups) {
            up.stream().filter(node -> !first.contains(node)).forEach(others::add);
        }
        return new ReadPlan(first.list, others.list);
    }

    /**
     * The nodes that hold the key's lock: the first up node of its order in each list consulted, in one order that
     * every instance agrees on (by address), so that two requests that both need two of them never wait for each
     * other crosswise. One node, its first replica, unless the node list changed within the settle window.
     */
    List<SharedNode> lockNodes(String key) {
        Distinct first = new Distinct();
        for (Layout layout : consulted()) {
            List<StoreNode> up = layout.upInPreferenceOrder(key);
            if (!up.isEmpty()) {
                first.add(up.get(0));
            }
        }
        List<SharedNode> nodes = new ArrayList<>(first.list.stream().map(StoreNode::shared).toList());
        if (nodes.size() > 1) {
            nodes.sort(Comparator.comparing(n -> n.node().address().toLowerCase(Locale.ROOT)));
        }
        return nodes;
    }

    /** Every node that is up, in configuration order (the list in use first). */
    List<StoreNode> up() {
        return all().stream().filter(n -> n.shared().isUp()).toList();
    }

    /**
     * Puts a new node list in use. The list it replaces stays consulted for the settle window, as do earlier ones
     * whose window has not ended.
     *
     * @return when (on the nano clock) the replaced list stops being consulted
     */
    long change(List<StoreNode> nodes) {
        long now = nanoClock.getAsLong();
        long retiresAt = now + TimeUnit.SECONDS.toNanos(settleSeconds.get());
        layouts.updateAndGet(l -> {
            List<Layout> replaced = new ArrayList<>();
            replaced.add(new Layout(l.current().nodes(), l.current().placement(), retiresAt));
            l.replaced().stream().filter(r -> r.retiresAtNanos() - now > 0).forEach(replaced::add);
            return new Layouts(Layout.of(nodes, 0), List.copyOf(replaced));
        });
        return retiresAt;
    }

    /** How many replaced lists are still consulted. */
    int replacedLists() {
        return consulted().size() - 1;
    }

    /** Ends the window of every replaced list now (for tests, and for a store that knows better). */
    void retireReplacedNow() {
        long now = nanoClock.getAsLong();
        layouts.updateAndGet(l -> new Layouts(l.current(), l.replaced().stream()
                .map(r -> new Layout(r.nodes(), r.placement(), Math.min(r.retiresAtNanos(), now))).toList()));
    }

    /** Forgets the replaced lists whose window has ended; true if there were any. */
    boolean forgetRetired() {
        long now = nanoClock.getAsLong();
        Layouts before = layouts.getAndUpdate(l -> new Layouts(l.current(),
                l.replaced().stream().filter(r -> r.retiresAtNanos() - now > 0).toList()));
        return before.replaced().stream().anyMatch(r -> r.retiresAtNanos() - now <= 0);
    }

    /** A copy with this timeout was written: a read may have to look past a returned node that long. */
    void wrote(int maxInactiveSeconds) {
        int life = maxInactiveSeconds <= 0 ? MAX_SETTLE_SECONDS : Math.min(MAX_SETTLE_SECONDS, maxInactiveSeconds);
        if (life > settleSeconds.get()) {
            settleSeconds.accumulateAndGet(life, Math::max);
        }
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

    /**
     * Nodes in order, each memcached node once: two lists may name one node under different ids, and it holds one
     * copy whatever its id.
     */
    private static final class Distinct {
        private final List<StoreNode> list = new ArrayList<>();
        private final Set<SharedNode> seen = Collections.newSetFromMap(new IdentityHashMap<>());

        void add(StoreNode node) {
            if (seen.add(node.shared())) {
                list.add(node);
            }
        }

        boolean contains(StoreNode node) {
            return seen.contains(node.shared());
        }
    }
}
