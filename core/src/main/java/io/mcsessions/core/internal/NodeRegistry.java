package io.mcsessions.core.internal;

import io.mcsessions.core.NodeAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

/**
 * The JVM's memcached nodes: one {@link SharedNode} per address (and SASL user), shared by every store that
 * names it, so that every web application in a Tomcat or Jetty agrees on which nodes are down and a dead node
 * is probed once per retry interval, not once per application. Reference counted: the last store to release
 * a node closes its client.
 */
public final class NodeRegistry {
    private static final NodeRegistry JVM = new NodeRegistry(System::nanoTime, NodeRegistry::spymemcached);

    /** Opens a client for a node. */
    @FunctionalInterface
    public interface ClientFactory {
        NodeClient open(NodeAddress node, NodeSettings settings, NodeClient.ConnectionListener listener)
                throws IOException;
    }

    private final Map<String, SharedNode> nodes = new HashMap<>();
    private final LongSupplier nanoClock;
    private final ClientFactory clientFactory;
    private final ScheduledExecutorService probes =
            Executors.newSingleThreadScheduledExecutor(CoreThreads.daemon("mcsessions-node-probe"));

    NodeRegistry(LongSupplier nanoClock, ClientFactory clientFactory) {
        this.nanoClock = nanoClock;
        this.clientFactory = clientFactory;
    }

    /** The registry shared by the whole JVM. */
    public static NodeRegistry jvm() {
        return JVM;
    }

    /** A registry of its own, for tests that need another client or clock. */
    public static NodeRegistry isolated(LongSupplier nanoClock, ClientFactory clientFactory) {
        return new NodeRegistry(nanoClock, clientFactory);
    }

    /** A registry of its own with the real clock and spymemcached: stores in it share nothing with others. */
    public static NodeRegistry isolated() {
        return new NodeRegistry(System::nanoTime, NodeRegistry::spymemcached);
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
                    nanoClock);
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
