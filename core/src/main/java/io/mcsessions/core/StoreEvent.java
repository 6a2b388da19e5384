package io.mcsessions.core;

/**
 * Something a store's listeners are told about.
 *
 * @param type    what happened
 * @param store   the store's name (e.g. the context path)
 * @param node    the node concerned, or null for store-wide events
 * @param message the same text the log line carries
 * @param timeMillis when it happened, epoch milliseconds
 */
public record StoreEvent(Type type, String store, NodeAddress node, String message, long timeMillis) {

    /** Kinds of events. */
    public enum Type {
        /** A node failed and is no longer used. */
        NODE_DOWN,
        /** A node answered its probe and is used again. */
        NODE_UP,
        /** No node is reachable: sessions live only in the container. */
        DEGRADED,
        /** A node is reachable again after the store was degraded. */
        RECOVERED,
        /**
         * A new node list is in use ({@link ReplicatedSessionStore#setMemcachedNodes}); the replaced one is still
         * consulted for a while.
         */
        NODES_CHANGED,
        /** The nodes a node list change removed are no longer consulted, and their connections are closed. */
        NODES_RELEASED
    }
}
