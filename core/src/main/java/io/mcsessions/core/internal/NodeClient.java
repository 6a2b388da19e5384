package io.mcsessions.core.internal;

import java.util.concurrent.CompletableFuture;

/**
 * The one small interface through which the store talks to one memcached node, so the client library can be
 * swapped (e.g. for a fork with TLS). Every call returns at once; the future completes with the answer or
 * exceptionally with a {@link NodeFailure}. Implementations need not time out: the caller does.
 */
public interface NodeClient extends AutoCloseable {

    /** A stored value and its CAS id. */
    record Stored(byte[] value, long cas) {
    }

    /** The value and CAS id, or null when the key is absent. */
    CompletableFuture<Stored> gets(String key);

    /** Stores unconditionally; true when stored. */
    CompletableFuture<Boolean> set(String key, int expiration, byte[] value);

    /** Stores only if absent; false when the key exists. */
    CompletableFuture<Boolean> add(String key, int expiration, byte[] value);

    /** Stores only if unchanged since read with {@code cas}; false when it changed or vanished. */
    CompletableFuture<Boolean> cas(String key, long cas, int expiration, byte[] value);

    /** Deletes only if unchanged since read with {@code cas}; false when it changed or vanished. */
    CompletableFuture<Boolean> delete(String key, long cas);

    /** Resets the expiration without rewriting the value; false when absent. */
    CompletableFuture<Boolean> touch(String key, int expiration);

    /** Completes normally when the node answers a harmless request. */
    CompletableFuture<Void> probe();

    /** Whether a connection to the node is open now. */
    boolean isConnected();

    /**
     * Drops the connection and dials again now, whatever the client library's own reconnection schedule. Used
     * when a connection is found dead on use (the node restarted while the connection sat idle), when a node that
     * is down is probed, and when a probe times out on a connection that is open but silent. Operations pending
     * on the old connection fail.
     *
     * @return completes when the new connection is established; fails with an UNREACHABLE {@link NodeFailure}
     *         as soon as the node refuses it. It need not time out: the caller does.
     */
    CompletableFuture<Void> reconnect();

    /** Receives connection changes observed by the client library. */
    interface ConnectionListener {
        void connected();

        void disconnected();

        /** The node rejected the SASL credentials. */
        default void authenticationFailed() {
        }

        /** At start, the node answered as something other than memcached; it gets no connection. */
        default void notMemcached(NodeFailure why) {
        }
    }

    /** Closes connections and threads; pending operations fail. */
    @Override
    void close();
}
