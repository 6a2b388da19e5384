package io.mcsessions.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An in-process TCP proxy on a free loopback port in front of one {@code host:port}, for the faults a
 * real process cannot show: latency, resets, half responses, garbage, a silent peer, a refused port.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start(node.host(), node.port())) {
 *     // point the product at proxy.address(), then:
 *     proxy.latency(Duration.ofMillis(200));
 * }
 * }</pre>
 *
 * <p>A mode can be switched at any time and applies at once to open and new connections. Server-to-client
 * traffic is what latency, garbage and resets act on; the client-to-server direction is always relayed,
 * except in {@link #blackhole()}. A client whose connection to the target is refused is reset. All
 * threads are daemons; {@link #close()} stops them and closes every socket. Thread-safe.
 */
public final class FaultProxy implements AutoCloseable {

    private static final long REBIND_TIMEOUT_MILLIS = 5_000;
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final ExecutorService threads;
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicReference<FaultMode> mode = new AtomicReference<>(FaultMode.PASS_THROUGH);
    private final Object modeChanged = new Object();
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean closed;
    private final AtomicLong swallowedBytes = new AtomicLong();
    private ServerSocket listener;
    private Thread acceptor;

    private FaultProxy(String targetHost, int targetPort, int port) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.port = port;
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "fault-proxy-" + port + "-" + THREAD_NUMBER.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts a proxy in pass-through mode on a free port of 127.0.0.1, in front of {@code targetHost:targetPort}.
     * The target need not be up; connections made while it is down are reset.
     */
    public static FaultProxy start(String targetHost, int targetPort) {
        if (targetPort < 1 || targetPort > 65_535) {
            throw new IllegalArgumentException("targetPort must be between 1 and 65535, but was " + targetPort);
        }
        ServerSocket listener = bind(0, 0);
        FreePorts.reserve(listener.getLocalPort());
        FaultProxy proxy = new FaultProxy(targetHost, targetPort, listener.getLocalPort());
        synchronized (proxy) {
            proxy.startAcceptor(listener);
        }
        return proxy;
    }

    /** The proxy's own port; it stays the same across {@link #refuse()} and {@link #accept()}. */
    public int port() {
        return port;
    }

    /** {@code "127.0.0.1:<port>"}, the address to give the product instead of the target's. */
    public String address() {
        return FreePorts.LOOPBACK + ":" + port;
    }

    /** Relays everything unchanged (the initial mode). */
    public void passThrough() {
        switchTo(FaultMode.PASS_THROUGH);
    }

    /** Delays every chunk from server to client by {@code delay}, counted from when the proxy received it. */
    public void latency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, but was " + delay);
        }
        latency = delay;
        switchTo(FaultMode.LATENCY);
    }

    /**
     * Delays every chunk from client to server by {@code delay}, counted from when the proxy received it: a node
     * that this client's writes reach late, while other clients (not behind this proxy) see it as it is. Answers
     * are relayed at once.
     */
    public void requestLatency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, but was " + delay);
        }
        latency = delay;
        switchTo(FaultMode.REQUEST_LATENCY);
    }

    /** Resets (TCP RST) every open connection now, then relays in pass-through mode. */
    public void resetConnections() {
        switchTo(FaultMode.PASS_THROUGH);
        resetAll();
    }

    /** For the next server response on any connection: relays its first half, then resets that connection; then pass-through. */
    public void resetMidResponse() {
        switchTo(FaultMode.RESET_MID_RESPONSE);
    }

    /** Sends random bytes to the client instead of each server response. */
    public void garbage() {
        switchTo(FaultMode.GARBAGE);
    }

    /** Accepts connections and reads requests, but never forwards them and never answers: a hung peer. */
    public void blackhole() {
        switchTo(FaultMode.BLACKHOLE);
    }

    /** Closes the listening socket, so new connections are refused, and resets every open connection. */
    public synchronized void refuse() {
        requireOpen();
        stopListening();
        resetAll();
    }

    /**
     * Listens again on the same port after {@link #refuse()}, retrying for up to {@value #REBIND_TIMEOUT_MILLIS}
     * ms if the port is briefly busy. No-op if already listening.
     */
    public synchronized void accept() {
        requireOpen();
        if (listener != null) {
            return;
        }
        startAcceptor(bind(port, REBIND_TIMEOUT_MILLIS));
    }

    /** Stops listening, closes every connection and stops every thread. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopListening();
        }
        List.copyOf(connections).forEach(ProxiedConnection::close);
        synchronized (modeChanged) {
            modeChanged.notifyAll();
        }
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "FaultProxy " + address() + " -> " + targetHost + ":" + targetPort + " (" + mode.get() + ")";
    }

    String targetHost() {
        return targetHost;
    }

    int targetPort() {
        return targetPort;
    }

    FaultMode mode() {
        return mode.get();
    }

    /** Lets exactly one connection act on {@link #resetMidResponse()}. */
    boolean claimResetMidResponse() {
        return mode.compareAndSet(FaultMode.RESET_MID_RESPONSE, FaultMode.PASS_THROUGH);
    }

    /**
     * Blocks while in {@code latencyMode} until the chunk received at {@code receivedNanos} is due; a mode change
     * ends the wait.
     */
    void awaitLatency(FaultMode latencyMode, long receivedNanos) throws InterruptedException {
        synchronized (modeChanged) {
            while (!closed && mode.get() == latencyMode) {
                long remaining = receivedNanos + latency.toNanos() - System.nanoTime();
                if (remaining <= 0) {
                    return;
                }
                TimeUnit.NANOSECONDS.timedWait(modeChanged, remaining);
            }
        }
    }

    /** Counts client bytes dropped in {@link #blackhole()} mode, so tests know a request really fell into the hole. */
    void swallowed(int bytes) {
        swallowedBytes.addAndGet(bytes);
    }

    long swallowedBytes() {
        return swallowedBytes.get();
    }

    void forget(ProxiedConnection connection) {
        connections.remove(connection);
    }

    private void switchTo(FaultMode next) {
        requireOpen();
        synchronized (modeChanged) {
            mode.set(next);
            modeChanged.notifyAll();
        }
    }

    private void resetAll() {
        List.copyOf(connections).forEach(ProxiedConnection::reset);
    }

    private void startAcceptor(ServerSocket socket) {
        listener = socket;
        acceptor = new Thread(() -> acceptLoop(socket), "fault-proxy-" + port + "-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Closes the listening socket and waits for the acceptor to leave {@code accept()}: until then the JDK
     * may keep the kernel socket listening, and a connection made right after {@link #refuse()} would succeed.
     */
    private void stopListening() {
        if (listener == null) {
            return;
        }
        closeQuietly(listener);
        listener = null;
        try {
            acceptor.join(REBIND_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while closing " + this, e);
        }
        if (acceptor.isAlive()) {
            throw new IllegalStateException("the acceptor of " + this + " did not stop within " + REBIND_TIMEOUT_MILLIS + " ms");
        }
    }

    private void acceptLoop(ServerSocket socket) {
        while (!socket.isClosed()) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                return; // refuse() or close() closed the socket
            }
            ProxiedConnection connection = new ProxiedConnection(this, client);
            connections.add(connection);
            if (closed || socket.isClosed()) {
                connection.reset(); // raced with refuse() or close()
                return;
            }
            connection.start(threads);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private static ServerSocket bind(int port, long retryMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
        while (true) {
            ServerSocket socket = null;
            try {
                socket = new ServerSocket();
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(FreePorts.loopback(), port), 128);
                return socket;
            } catch (BindException e) {
                closeQuietly(socket);
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot listen on " + FreePorts.LOOPBACK + ":" + port + " within "
                            + retryMillis + " ms: " + e.getMessage(), e);
                }
                Waiting.pause();
            } catch (IOException e) {
                closeQuietly(socket);
                throw new UncheckedIOException("cannot listen on " + FreePorts.LOOPBACK + ":" + port, e);
            }
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // Best effort: the socket is unusable either way.
        }
    }
}
