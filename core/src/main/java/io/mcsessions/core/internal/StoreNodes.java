package io.mcsessions.core.internal;

import io.mcsessions.core.NodeAddress;
import io.mcsessions.core.StoreEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The memcached nodes one store holds, and changes to its node list at run time. The store holds one reference
 * (from the {@link NodeRegistry}) and one health listener per address, whichever node lists name it: the list in
 * use, and the lists it replaced while {@link ReplicaSet} still consults them. A node that no list consulted names
 * any more is released, after operations in flight on it have had time to finish.
 *
 * <p>Changes are serialized (on this object); operations never wait for them: they read the node lists once
 * each ({@link ReplicaSet}).
 */
public final class StoreNodes {
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.ReplicatedSessionStore");
    private static final long MAX_CONNECT_WAIT_MILLIS = 2000;
    /** Node list changes whose replaced lists may be consulted at once: each costs every operation a placement. */
    private static final int MAX_REPLACED_NODE_LISTS = 8;

    private final NodeRegistry registry;
    private final NodeSettings settings;
    private final String storeName;
    private final NodeHealth.TransitionListener listener;
    /** Guarded by this. */
    private final Map<String, SharedNode> held = new HashMap<>();
    /** Guarded by this. */
    private boolean closed;
    private Replication replication;
    private ScheduledExecutorService maintenance;
    private BiConsumer<StoreEvent.Type, String> events;

    /**
     * @param listener told of every health transition of every node held, from {@link #start} on
     */
    public StoreNodes(NodeRegistry registry, NodeSettings settings, String storeName,
                      NodeHealth.TransitionListener listener) {
        this.registry = registry;
        this.settings = settings;
        this.storeName = storeName;
        this.listener = listener;
    }

    /** The store's first node list: acquires every node. */
    public synchronized List<StoreNode> acquire(List<NodeAddress> addresses) {
        return acquire(addresses, new ArrayList<>());
    }

    /**
     * Starts listening to the nodes' health and waits for their first connections (see {@link #awaitConnections}).
     *
     * @param events publishes a store event with its message
     */
    public void start(Replication replication, ScheduledExecutorService maintenance,
                      BiConsumer<StoreEvent.Type, String> events) {
        List<StoreNode> nodes;
        synchronized (this) {
            this.replication = replication;
            this.maintenance = maintenance;
            this.events = events;
            nodes = replication.currentNodes();
            nodes.forEach(n -> n.shared().health().addListener(listener));
        }
        awaitConnections(nodes);
    }

    /** Nodes for these addresses, acquiring those not held yet, which are added to {@code fresh}. Guarded by this. */
    private List<StoreNode> acquire(List<NodeAddress> addresses, List<StoreNode> fresh) {
        List<StoreNode> nodes = new ArrayList<>(addresses.size());
        for (NodeAddress address : addresses) {
            String key = address.address().toLowerCase(Locale.ROOT);
            SharedNode shared = held.get(key);
            if (shared == null) {
                shared = registry.acquire(address, settings);
                held.put(key, shared);
                fresh.add(new StoreNode(address, shared));
            }
            nodes.add(new StoreNode(address, shared));
        }
        return List.copyOf(nodes);
    }

    /**
     * Waits at most {@code operationTimeout}, and no more than 2 s, for the nodes' first connections. Nodes that do
     * not connect in that time start out down, with one warning each.
     */
    private void awaitConnections(List<StoreNode> nodes) {
        long wait = Math.min(settings.operationTimeoutMillis(), MAX_CONNECT_WAIT_MILLIS);
        // The system clock, not the store's: this bounds a real wait (Future.get), which no injected clock advances.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        for (StoreNode node : nodes) {
            try {
                node.shared().firstConnection().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                node.shared().health().unreachableAtStart("no connection within " + wait + " ms at start");
            } catch (ExecutionException e) {
                node.shared().health().unreachableAtStart(e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Puts a validated node list in use (see {@code ReplicatedSessionStore.setMemcachedNodes}): connects new nodes,
     * then swaps the list, and schedules the release of the nodes only the replaced list names.
     *
     * @return false when the list names the nodes in use already (nothing changed)
     * @throws IllegalStateException when the store is closed, or too many changes are still being consulted
     */
    public synchronized boolean change(List<NodeAddress> addresses, String value) {
        if (closed) {
            throw new IllegalStateException(storeName + " - the session store is closed");
        }
        List<StoreNode> before = replication.currentNodes();
        if (Set.copyOf(addresses).equals(before.stream().map(StoreNode::address).collect(Collectors.toSet()))) {
            return false;
        }
        if (replication.replacedNodeLists() >= MAX_REPLACED_NODE_LISTS) {
            throw new IllegalStateException(storeName + " - memcachedNodes can change at most "
                    + MAX_REPLACED_NODE_LISTS + " times within the settle window, and " + value + " would be change "
                    + (MAX_REPLACED_NODE_LISTS + 1) + "; apply it once the earlier changes are complete (an INFO "
                    + "\"node list change complete\" in the log)");
        }
        List<StoreNode> fresh = new ArrayList<>();
        List<StoreNode> after = acquire(addresses, fresh);
        fresh.forEach(n -> n.shared().health().addListener(listener));
        awaitConnections(fresh);
        long windowNanos = replication.changeNodes(after) - registry.clock().nanos(); // changeNodes reads that clock
        scheduleRelease(windowNanos + drainNanos());
        List<StoreNode> removed = before.stream().filter(n -> !addresses.contains(n.address())).toList();
        String message = storeName + " - memcached nodes changed to " + describe(after) + " (added: "
                + (fresh.isEmpty() ? "none" : describe(fresh)) + "; removed: "
                + (removed.isEmpty() ? "none" : describe(removed)) + "). Sessions move to their new nodes as they "
                + "are read or written. For " + Math.round(windowNanos / 60e9)
                + " minutes (the longest session timeout) the previous list is still read and written, then nodes only "
                + "it names are released: apply the same list to every instance within that time";
        LOG.log(System.Logger.Level.INFO, message);
        events.accept(StoreEvent.Type.NODES_CHANGED, message);
        return true;
    }

    /** In-flight operations on a released node's connection would fail: let them finish first. */
    private long drainNanos() {
        return TimeUnit.MILLISECONDS.toNanos(settings.operationTimeoutMillis() * 2 + 1000);
    }

    private void scheduleRelease(long delayNanos) {
        try {
            maintenance.schedule(this::releaseRetired, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing: close() releases every node
        }
    }

    /** Stops consulting replaced node lists whose window ended, and releases the nodes only they named. */
    void releaseRetired() {
        List<NodeAddress> released = new ArrayList<>();
        synchronized (this) {
            if (closed || !replication.forgetRetiredNodeLists()) {
                return;
            }
            Set<SharedNode> consulted = Collections.newSetFromMap(new IdentityHashMap<>());
            replication.consultedNodes().forEach(n -> consulted.add(n.shared()));
            for (var it = held.values().iterator(); it.hasNext(); ) {
                SharedNode shared = it.next();
                if (!consulted.contains(shared)) {
                    it.remove();
                    shared.health().removeListener(listener);
                    registry.release(shared);
                    released.add(shared.node());
                }
            }
        }
        if (!released.isEmpty()) {
            String message = storeName + " - node list change complete: no longer using " + released.stream()
                    .map(NodeAddress::describe).collect(Collectors.joining(", ")) + "; it can be shut down";
            LOG.log(System.Logger.Level.INFO, message);
            events.accept(StoreEvent.Type.NODES_RELEASED, message);
        }
    }

    /**
     * Ends the settle window of replaced node lists now; the nodes only they named are released once operations
     * in flight have finished. For tests, which cannot wait half an hour.
     */
    public CompletableFuture<Void> completeChanges() {
        replication.retireReplacedNodeListsNow();
        CompletableFuture<Void> done = new CompletableFuture<>();
        maintenance.schedule(() -> {
            releaseRetired();
            done.complete(null);
        }, drainNanos(), TimeUnit.NANOSECONDS);
        return done;
    }

    /** Releases every node held. */
    public synchronized void close() {
        closed = true;
        for (SharedNode node : held.values()) {
            node.health().removeListener(listener);
            registry.release(node);
        }
        held.clear();
    }

    /** {@code n1 (10.0.0.1:11211), n2 (10.0.0.2:11211)}. */
    public static String describe(List<StoreNode> nodes) {
        return nodes.stream().map(n -> n.address().describe()).collect(Collectors.joining(", "));
    }
}
