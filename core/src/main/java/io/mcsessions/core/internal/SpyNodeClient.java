package io.mcsessions.core.internal;

import io.mcsessions.core.NodeAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import net.spy.memcached.CASValue;
import net.spy.memcached.CachedData;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.auth.AuthDescriptor;
import net.spy.memcached.auth.PlainCallbackHandler;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.transcoders.Transcoder;

/**
 * {@link NodeClient} on spymemcached: one client per node (binary protocol, {@link FailureMode#Cancel}, daemon
 * threads), so every operation goes to exactly the node the store chose and an operation for a node without
 * a connection fails at once instead of queueing.
 */
final class SpyNodeClient implements NodeClient {
    private static final String PROBE_KEY = "mcsessions:probe";

    private final MemcachedClient client;
    private volatile boolean connected;

    SpyNodeClient(NodeAddress node, NodeSettings settings, ConnectionListener listener) throws IOException {
        SpyLogger.install();
        ConnectionObserver observer = new ConnectionObserver() {
            @Override
            public void connectionEstablished(SocketAddress sa, int reconnectCount) {
                connected = true;
                listener.connected();
            }

            @Override
            public void connectionLost(SocketAddress sa) {
                connected = false;
                listener.disconnected();
            }
        };
        ConnectionFactoryBuilder builder = new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                .setFailureMode(FailureMode.Cancel)
                .setDaemon(true)
                // The store times operations out itself; the client's own timeout only cleans up behind it.
                .setOpTimeout(Math.max(settings.operationTimeoutMillis() * 2, 1000))
                .setMaxReconnectDelay(Math.max(1, TimeUnit.MILLISECONDS.toSeconds(settings.retryIntervalMillis())))
                .setUseNagleAlgorithm(false)
                .setShouldOptimize(false)
                .setListenerExecutorService(DirectExecutorService.INSTANCE)
                .setInitialObservers(List.of(observer));
        if (settings.username() != null) {
            builder.setAuthDescriptor(new AuthDescriptor(new String[] {"PLAIN"},
                    new PlainCallbackHandler(settings.username(), settings.password())));
        }
        client = new MemcachedClient(builder.build(), List.of(new InetSocketAddress(node.host(), node.port())));
    }

    @Override
    public CompletableFuture<Stored> gets(String key) {
        return complete(client.asyncGets(key, BytesTranscoder.INSTANCE), status -> notFoundOrFail(status, null),
                future -> {
            CASValue<byte[]> value = getDone(future);
            return value == null ? null : new Stored(value.getValue(), value.getCas());
        });
    }

    @Override
    public CompletableFuture<Boolean> set(String key, int expiration, byte[] value) {
        return bool(client.set(key, expiration, value, BytesTranscoder.INSTANCE));
    }

    @Override
    public CompletableFuture<Boolean> add(String key, int expiration, byte[] value) {
        return bool(client.add(key, expiration, value, BytesTranscoder.INSTANCE));
    }

    @Override
    public CompletableFuture<Boolean> cas(String key, long cas, int expiration, byte[] value) {
        return complete(client.asyncCAS(key, cas, expiration, value, BytesTranscoder.INSTANCE),
                status -> status.isSuccess() ? Boolean.TRUE : notFoundOrFail(status, Boolean.FALSE), null);
    }

    @Override
    public CompletableFuture<Boolean> delete(String key, long cas) {
        return bool(client.delete(key, cas));
    }

    @Override
    public CompletableFuture<Boolean> touch(String key, int expiration) {
        return bool(client.touch(key, expiration));
    }

    @Override
    public CompletableFuture<Void> probe() {
        return gets(PROBE_KEY).thenApply(ignored -> null);
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public void close() {
        client.shutdown(0, TimeUnit.MILLISECONDS);
    }

    private static CompletableFuture<Boolean> bool(OperationFuture<Boolean> future) {
        return complete(future, status -> status.isSuccess() ? Boolean.TRUE : notFoundOrFail(status, Boolean.FALSE),
                null);
    }

    /**
     * Adapts a spymemcached future: the status decides the outcome; {@code onSuccess}, when given, reads the
     * value of a successful operation. Cancelling or failing the returned future cancels the operation.
     */
    private static <T, R> CompletableFuture<R> complete(OperationFuture<T> future,
                                                        Function<OperationStatus, R> byStatus,
                                                        Function<OperationFuture<T>, R> onSuccess) {
        CompletableFuture<R> result = new CompletableFuture<>();
        future.addListener(done -> {
            try {
                OperationStatus status = future.getStatus();
                if (status.isSuccess() && onSuccess != null) {
                    result.complete(onSuccess.apply(future));
                } else {
                    result.complete(byStatus.apply(status));
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        result.whenComplete((value, failure) -> {
            if (failure != null && !future.isDone()) {
                future.cancel();
            }
        });
        return result;
    }

    private static <T> T getDone(OperationFuture<T> future) {
        try {
            return future.get(0, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeFailure(NodeFailure.Kind.UNREACHABLE, "interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw NodeFailure.of(e);
        }
    }

    /** A miss or a refused condition yields {@code miss}; anything else is a failure of the kind it shows. */
    private static <R> R notFoundOrFail(OperationStatus status, R miss) {
        switch (status.getStatusCode()) {
            case ERR_NOT_FOUND:
            case ERR_EXISTS:
            case ERR_NOT_STORED:
                return miss;
            case ERR_2BIG:
                throw new NodeFailure(NodeFailure.Kind.VALUE_TOO_LARGE, "the node refused the value as too large");
            case CANCELLED:
                throw new NodeFailure(NodeFailure.Kind.UNREACHABLE, "no connection to the node");
            case TIMEDOUT:
                throw new NodeFailure(NodeFailure.Kind.TIMEOUT, "no answer within the operation timeout");
            case INTERRUPTED:
                throw new NodeFailure(NodeFailure.Kind.UNREACHABLE, "interrupted");
            default:
                String message = status.getMessage();
                if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("auth")) {
                    throw new NodeFailure(NodeFailure.Kind.AUTHENTICATION, "authentication failed: " + message);
                }
                throw new NodeFailure(NodeFailure.Kind.SERVER_ERROR,
                        "the node answered " + status.getStatusCode() + ": " + message);
        }
    }

    /** Passes byte arrays through untouched; the envelope is ours, so the flags stay 0. */
    enum BytesTranscoder implements Transcoder<byte[]> {
        INSTANCE;

        @Override
        public boolean asyncDecode(CachedData d) {
            return false;
        }

        @Override
        public CachedData encode(byte[] o) {
            return new CachedData(0, o, getMaxSize());
        }

        @Override
        public byte[] decode(CachedData d) {
            return d.getData();
        }

        @Override
        public int getMaxSize() {
            // Sizes are checked against maxValueSize before writing; reading must accept whatever a node holds.
            return Integer.MAX_VALUE;
        }
    }
}
