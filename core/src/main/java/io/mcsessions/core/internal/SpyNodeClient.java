package io.mcsessions.core.internal;

import io.mcsessions.core.NodeAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 *
 * <p>Why {@link #reconnect()} builds a new spymemcached client instead of waiting for the library to reconnect:
 * spymemcached notices a dead connection only when it sends on it (an idle connection has no read interest), and
 * then reconnects on its own backoff, up to {@code maxReconnectDelay}, which a probe could not shorten; and the
 * first operation right after its own reconnect can still be cancelled (the node reports itself connected before
 * its new channel is registered). A new client dials at once and is ready when it says it is connected.
 */
final class SpyNodeClient implements NodeClient {
    private static final String PROBE_KEY = "mcsessions:probe";
    /** Longest wait of the plain connect before a new client; callers usually time out sooner. */
    private static final int DIAL_TIMEOUT_MILLIS = 10_000;
    private static final int BINARY_HEADER_BYTES = 24;
    private static final byte REQUEST_MAGIC = (byte) 0x80;
    private static final byte RESPONSE_MAGIC = (byte) 0x81;
    private static final byte NOOP = 0x0a;

    private final NodeAddress node;
    private final ConnectionFactoryBuilder builder;
    private final ConnectionListener listener;
    private volatile MemcachedClient client;
    /** Completes when the current client's connection is first established. */
    private volatile CompletableFuture<Void> established = new CompletableFuture<>();
    private volatile boolean connected;
    private volatile boolean closed;
    /** Set while the node answers something other than memcached: every operation fails with it, unsent. */
    private volatile NodeFailure notMemcached;
    private final int checkTimeoutMillis;
    private final Runnable stopWatchingAuthentication;

    SpyNodeClient(NodeAddress node, NodeSettings settings, ConnectionListener listener) throws IOException {
        SpyLogger.install();
        this.node = node;
        this.listener = listener;
        // Half the operation timeout at most: a silent node is dialled as before, within the caller's timeout.
        this.checkTimeoutMillis = (int) Math.min(1000, Math.max(50, settings.operationTimeoutMillis() / 2));
        builder = new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                .setFailureMode(FailureMode.Cancel)
                .setDaemon(true)
                // The store times operations out itself (and cancels them here). The client's own timeout drops
                // an operation still unsent when it expires; it must not fire before ours, which waits longer
                // across a stall of this JVM: after a paused machine resumes, the operations queued before the
                // pause are sent, not failed.
                .setOpTimeout(Math.max(settings.operationTimeoutMillis() * 10, 10_000))
                .setMaxReconnectDelay(Math.max(1, TimeUnit.MILLISECONDS.toSeconds(settings.retryIntervalMillis())))
                .setUseNagleAlgorithm(false)
                .setShouldOptimize(false)
                .setListenerExecutorService(DirectExecutorService.INSTANCE);
        if (settings.username() != null) {
            builder.setAuthDescriptor(new AuthDescriptor(new String[] {"PLAIN"},
                    new PlainCallbackHandler(settings.username(), settings.password())));
        }
        // Checked before the first client, so that no operation reaches a node that is not memcached. Bounded by
        // half the operation timeout; a refused or silent node gets its client as before, and the health checks
        // deal with it.
        NodeFailure wrong = null;
        try {
            wrong = check(checkTimeoutMillis);
        } catch (IOException e) {
            // refused now: the operations will say so
        }
        if (wrong == null) {
            client = open();
        } else {
            notMemcached = wrong;
            listener.notMemcached(wrong);
        }
        if (settings.username() != null) {
            stopWatchingAuthentication = SpyLogger.watchAuthentication(
                    new InetSocketAddress(node.host(), node.port()), listener::authenticationFailed);
        } else {
            stopWatchingAuthentication = () -> { };
        }
    }

    /** A new client whose connection events count only while it is the current one. */
    private MemcachedClient open() throws IOException {
        AtomicReference<MemcachedClient> self = new AtomicReference<>();
        CompletableFuture<Void> firstConnection = new CompletableFuture<>();
        established = firstConnection;
        ConnectionObserver observer = new ConnectionObserver() {
            @Override
            public void connectionEstablished(SocketAddress sa, int reconnectCount) {
                if (isCurrent(self)) {
                    connected = true;
                    listener.connected(); // first: it must see a dial of ours still in progress
                    firstConnection.complete(null);
                }
            }

            @Override
            public void connectionLost(SocketAddress sa) {
                if (isCurrent(self)) {
                    connected = false;
                    listener.disconnected();
                }
            }
        };
        builder.setInitialObservers(List.of(observer));
        // Its IO thread lives as long as the node is used: it must not hold a web application's class loader.
        MemcachedClient opened = CoreThreads.withCoreLoader(() -> new MemcachedClient(builder.build(),
                List.of(new InetSocketAddress(node.host(), node.port()))));
        self.set(opened);
        return opened;
    }

    private boolean isCurrent(AtomicReference<MemcachedClient> self) {
        MemcachedClient owner = self.get();
        return owner == null || owner == client; // null: still being constructed, about to become current
    }

    @Override
    public CompletableFuture<Void> reconnect() {
        CompletableFuture<Void> reconnected = new CompletableFuture<>();
        MemcachedClient old = client;
        // A plain connect and a NOOP first (see check), on a thread of its own: a node that refuses, or is not
        // memcached, is known in a moment, without a new client (and its IO thread) that would only retry in the
        // background. Bounded by the caller's timeout.
        Thread dial = CoreThreads.daemon("mcsessions-dial " + node.describe()).newThread(() -> {
            NodeFailure wrong;
            try {
                wrong = check(DIAL_TIMEOUT_MILLIS);
            } catch (IOException e) {
                reconnected.completeExceptionally(new NodeFailure(NodeFailure.Kind.UNREACHABLE,
                        "the node refuses connections (" + e.getMessage() + ")"));
                return;
            }
            if (wrong != null) {
                refuse(wrong);
                reconnected.completeExceptionally(wrong);
                return;
            }
            CompletableFuture<Void> next = replace(old);
            notMemcached = null;
            next.whenComplete((ok, failure) -> {
                if (failure == null) {
                    reconnected.complete(null);
                } else {
                    reconnected.completeExceptionally(failure);
                }
            });
        });
        dial.start();
        return reconnected;
    }

    /**
     * Connects on a plain socket and sends one binary NOOP. spymemcached trusts the body length in an answer's
     * header without checking its magic byte, and allocates that much before reading it: "HTTP/1.1 400 Bad"
     * announces 540 MB, "-ERR unknown" 1.8 GB. So a node that answers anything else never gets a client.
     *
     * @return why the node is not memcached, or null when it answered as memcached does, or not at all (a silent or
     *         closing node is the health checks' business)
     * @throws IOException when the connection is refused or not made within {@code connectTimeoutMillis}
     */
    private NodeFailure check(int connectTimeoutMillis) throws IOException {
        byte[] answer = new byte[BINARY_HEADER_BYTES];
        int read = 0;
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new InetSocketAddress(node.host(), node.port()), connectTimeoutMillis);
            socket.setSoTimeout(checkTimeoutMillis);
            // The NOOP's opcode is a line feed: a text-only memcached or proxy ("-B ascii") reads "\x80\n" as a
            // line and answers ERROR, so it is named here instead of leaving spymemcached waiting.
            byte[] noop = new byte[BINARY_HEADER_BYTES];
            noop[0] = REQUEST_MAGIC;
            noop[1] = NOOP;
            socket.getOutputStream().write(noop);
            socket.getOutputStream().flush();
            try {
                read = Math.max(0, socket.getInputStream().read(answer)); // the first byte decides
            } catch (java.net.SocketTimeoutException e) {
                // a silent node
            }
        }
        if (read == 0 || answer[0] == RESPONSE_MAGIC) {
            return null;
        }
        return new NodeFailure(NodeFailure.Kind.UNREACHABLE, "it answers, but not memcached's binary protocol ("
                + printable(java.util.Arrays.copyOf(answer, read)) + "): is this the right address in memcachedNodes?");
    }

    /** Stops the current client (and its reconnecting) until a check of the node passes. */
    private synchronized void refuse(NodeFailure why) {
        notMemcached = why;
        if (!closed && client != null) {
            connected = false;
            client.shutdown(0, TimeUnit.MILLISECONDS);
        }
    }

    private static String printable(byte[] bytes) {
        StringBuilder text = new StringBuilder("\"");
        for (byte b : bytes) {
            text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
        }
        return text.append('"').toString();
    }

    /**
     * Replaces {@code old} with a new client, unless another thread already did.
     *
     * @return completes when the (new or already replaced) current client is connected
     */
    private synchronized CompletableFuture<Void> replace(MemcachedClient old) {
        if (old != client || closed) {
            return established;
        }
        try {
            connected = false;
            client = open();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new NodeFailure(NodeFailure.Kind.UNREACHABLE,
                    "cannot open a new connection (" + e.getMessage() + ")"));
        }
        if (old != null) {
            old.shutdown(0, TimeUnit.MILLISECONDS);
        }
        return established;
    }

    @Override
    public CompletableFuture<Stored> gets(String key) {
        return guarded(c -> complete(c.asyncGets(key, BytesTranscoder.INSTANCE), status -> notFoundOrFail(status, null),
                future -> {
                    CASValue<byte[]> value = getDone(future);
                    return value == null ? null : new Stored(value.getValue(), value.getCas());
                }));
    }

    @Override
    public CompletableFuture<Boolean> set(String key, int expiration, byte[] value) {
        return guarded(c -> bool(c.set(key, expiration, value, BytesTranscoder.INSTANCE)));
    }

    @Override
    public CompletableFuture<Boolean> add(String key, int expiration, byte[] value) {
        return guarded(c -> bool(c.add(key, expiration, value, BytesTranscoder.INSTANCE)));
    }

    @Override
    public CompletableFuture<Boolean> cas(String key, long cas, int expiration, byte[] value) {
        return guarded(c -> complete(c.asyncCAS(key, cas, expiration, value, BytesTranscoder.INSTANCE),
                status -> status.isSuccess() ? Boolean.TRUE : notFoundOrFail(status, Boolean.FALSE), null));
    }

    @Override
    public CompletableFuture<Boolean> delete(String key, long cas) {
        return guarded(c -> bool(c.delete(key, cas)));
    }

    @Override
    public CompletableFuture<Boolean> touch(String key, int expiration) {
        return guarded(c -> bool(c.touch(key, expiration)));
    }

    /**
     * Runs an operation on the current client. spymemcached's IO thread can die (an Error while parsing a
     * damaged response ends it); afterwards every call throws. That is a node failure, not the request's:
     * it becomes an UNREACHABLE failure, and the client is rebuilt once.
     */
    private <T> CompletableFuture<T> guarded(Function<MemcachedClient, CompletableFuture<T>> operation) {
        NodeFailure wrong = notMemcached;
        if (wrong != null) {
            return CompletableFuture.failedFuture(wrong);
        }
        MemcachedClient current = client;
        try {
            return operation.apply(current);
        } catch (IllegalStateException | AssertionError e) {
            if (!closed) {
                replace(current);
            }
            return CompletableFuture.failedFuture(new NodeFailure(NodeFailure.Kind.UNREACHABLE,
                    "the client library's connection thread stopped (" + e.getMessage() + "); reconnecting"));
        }
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
    public synchronized void close() {
        closed = true;
        stopWatchingAuthentication.run();
        if (client != null) { // null: the node was never memcached
            client.shutdown(0, TimeUnit.MILLISECONDS);
        }
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
                if (status == null) {
                    // The library failed the operation without a status (e.g. its connection broke mid-answer).
                    result.completeExceptionally(new NodeFailure(NodeFailure.Kind.UNREACHABLE,
                            "the operation failed without an answer"));
                } else if (status.isSuccess() && onSuccess != null) {
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
