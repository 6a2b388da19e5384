package io.mcsessions.core.internal;

import io.mcsessions.core.NodeAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The JVM's memcached nodes: one {@link SharedNode} per address (and SASL user), shared by every store that
 * names it, so that every web application in a Tomcat or Jetty agrees on which nodes are down and a dead node
 * is probed once per retry interval, not once per application. Reference counted: the last store to release
 * a node closes its client.
 */
public final class NodeRegistry {
    /**
     * On the system clock, like {@link OperationTimeouts} and {@link StallMonitor}: one instance serves every store
     * in the JVM, so no store's (or test's) clock can be its clock. Tests that need another use {@link #isolated}.
     */
    private static final NodeRegistry JVM = new NodeRegistry(StoreClock.SYSTEM, NodeRegistry::spymemcached);

    /** Opens a client for a node. */
    @FunctionalInterface
    public interface ClientFactory {
        NodeClient open(NodeAddress node, NodeSettings settings, NodeClient.ConnectionListener listener)
                throws IOException;
    }

    private final Map<String, SharedNode> nodes = new HashMap<>();
    private final StoreClock clock;
    private final ClientFactory clientFactory;
    private final ScheduledExecutorService probes =
            Executors.newSingleThreadScheduledExecutor(CoreThreads.daemon("mcsessions-node-probe"));

    NodeRegistry(StoreClock clock, ClientFactory clientFactory) {
        this.clock = clock;
        this.clientFactory = clientFactory;
    }

    /** The registry shared by the whole JVM. */
    public static NodeRegistry jvm() {
        return JVM;
    }

    /** A registry of its own, for tests that need another client or clock. */
    public static NodeRegistry isolated(StoreClock clock, ClientFactory clientFactory) {
        return new NodeRegistry(clock, clientFactory);
    }

    /** A registry of its own with this clock and spymemcached, for tests that advance time. */
    public static NodeRegistry isolated(StoreClock clock) {
        return new NodeRegistry(clock, NodeRegistry::spymemcached);
    }

    /** A registry of its own with the real clock and spymemcached: stores in it share nothing with others. */
    public static NodeRegistry isolated() {
        return new NodeRegistry(StoreClock.SYSTEM, NodeRegistry::spymemcached);
    }

    /**
     * The clock of its nodes' health, and so of every store that uses them: a store's placement compares its times
     * with theirs.
     */
    public StoreClock clock() {
        return clock;
    }

    /** Stops the probe thread of an isolated registry; its stores must be closed first. */
    public void shutdown() {
        if (this != JVM) {
            probes.shutdownNow();
        }
    }

    private static NodeClient spymemcached(NodeAddress node, NodeSettings settings,
                                           NodeClient.ConnectionListener listener) throws IOException {
        return new SpyNodeClient(node, settings, listener);
    }

    /** The shared node for {@code address}, created with these settings if no store uses it yet. */
    public synchronized SharedNode acquire(NodeAddress address, NodeSettings settings) {
        String key = address.address().toLowerCase(java.util.Locale.ROOT) + "|" + settings.username();
        SharedNode node = nodes.get(key);
        if (node == null) {
            node = new SharedNode(address, listener -> {
                try {
                    return clientFactory.open(address, settings, listener);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create a memcached client for " + address.describe(), e);
                }
            }, settings.retryIntervalMillis(), settings.operationTimeoutMillis(), settings.username(), probes,
                    clock);
            nodes.put(key, node);
        }
        node.references++;
        return node;
    }

    /** Gives a node back; the last release closes its client. */
    public synchronized void release(SharedNode node) {
        if (--node.references == 0) {
            nodes.values().remove(node);
            node.close();
        }
    }
}
