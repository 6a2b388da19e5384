package io.mcsessions.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real memcached process on a fixed loopback port, with the faults a real process can show:
 * {@link #kill() killed} (connections refused), {@link #pause() paused} (hung: keeps its data and its
 * open connections but never answers), {@link #restart() restarted} (back, empty, on the same port).
 *
 * <p>The raw accessors ({@link #get}, {@link #set}, {@link #delete}, {@link #flush}, {@link #stats}) use a
 * tiny text-protocol client of their own, so a test can check what the product really stored. They
 * fail fast with an {@link IllegalStateException} when the node is paused or down, and never hang:
 * every socket operation is bounded by {@value #IO_TIMEOUT_MILLIS} ms.
 *
 * <p>Nodes are created by {@link MemcachedCluster}. All lifecycle methods are thread-safe.
 */
public final class MemcachedNode {

    static final int IO_TIMEOUT_MILLIS = 1_000;
    private static final long START_TIMEOUT_MILLIS = 5_000;

    private final String id;
    private final int port;
    private final Path binary;
    private final List<String> extraArgs;
    private final Map<String, String> environment;
    private final boolean speaksText;
    private final TextProtocolClient client;

    private volatile Process process;
    private volatile OutputTail stderr;
    private volatile boolean paused;
    private volatile long lastPid = -1;
    private final AtomicInteger launches = new AtomicInteger();

    MemcachedNode(String id, int port, Path binary, List<String> extraArgs, Map<String, String> environment) {
        this.id = id;
        this.port = port;
        this.binary = binary;
        this.extraArgs = List.copyOf(extraArgs);
        this.environment = Map.copyOf(environment);
        this.speaksText = speaksTextProtocol(this.extraArgs);
        this.client = new TextProtocolClient(FreePorts.LOOPBACK, port, IO_TIMEOUT_MILLIS);
    }

    /** The node's id within its cluster: {@code "n1"}, {@code "n2"}, ... */
    public String id() {
        return id;
    }

    /** Always {@code "127.0.0.1"}. */
    public String host() {
        return FreePorts.LOOPBACK;
    }

    /** The node's port; it stays the same across {@link #kill()}, {@link #start()} and {@link #restart()}. */
    public int port() {
        return port;
    }

    /** {@code "127.0.0.1:<port>"}. */
    public String address() {
        return host() + ":" + port;
    }

    /** The pid of the current process, or of the last one if the node is down; -1 if it never started. */
    public long pid() {
        return lastPid;
    }

    /** Whether the process is alive (a paused process is alive). */
    public boolean isRunning() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** Whether the process is alive and stopped by {@link #pause()}. */
    public boolean isPaused() {
        return paused && isRunning();
    }

    /**
     * Starts the process if it is not running, and returns once it accepts TCP connections. If the port
     * is briefly busy, the start is retried for up to {@value #START_TIMEOUT_MILLIS} ms.
     *
     * @throws IllegalStateException naming the port and the process's stderr if it does not come up
     */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        if (process != null) {
            forget(process); // it died on its own
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (true) {
            launch();
            if (awaitAccepting(deadline)) {
                return;
            }
            Process failed = process;
            String errors = stderr.awaitText(500);
            forget(failed);
            boolean portBusy = errors.contains("Address already in use");
            if (!portBusy || System.nanoTime() > deadline) {
                throw new IllegalStateException("memcached " + id + " did not accept connections on " + address()
                        + " within " + START_TIMEOUT_MILLIS + " ms (exit code " + exitCode(failed) + "); command: "
                        + String.join(" ", command()) + "; stderr: " + (errors.isEmpty() ? "(empty)" : errors));
            }
            Waiting.pause();
        }
    }

    /** Kills the process with SIGKILL and waits for it to exit; the port stays this node's. No-op if down. */
    public synchronized void kill() {
        Process current = process;
        if (current == null) {
            return;
        }
        current.destroyForcibly();
        try {
            if (!current.waitFor(START_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("memcached " + id + " (pid " + current.pid() + ") survived SIGKILL for "
                        + START_TIMEOUT_MILLIS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing memcached " + id, e);
        }
        forget(current);
    }

    /** Sends SIGKILL and returns at once; {@link #kill()} then waits for the process and forgets it. */
    synchronized void sendKill() {
        Process current = process;
        if (current != null) {
            current.destroyForcibly();
        }
    }

    /** Kills the process if it runs, then starts a new, empty one on the same port. */
    public synchronized void restart() {
        kill();
        start();
    }

    /**
     * Stops the process with SIGSTOP: it keeps its data and its open TCP connections (the kernel even
     * accepts new ones) but answers nothing, like a hung server. No-op if already paused.
     *
     * @throws IllegalStateException if the node is down
     */
    public synchronized void pause() {
        requireRunning("pause()");
        if (paused) {
            return;
        }
        ProcessSignals.stop(lastPid);
        paused = true;
    }

    /** Continues a paused process with SIGCONT; it then answers again, with its data intact. No-op if not paused. */
    public synchronized void resume() {
        if (!isPaused()) {
            paused = false;
            return;
        }
        ProcessSignals.resume(lastPid);
        paused = false;
    }

    /** The value stored under {@code key}, or {@code null} if absent. */
    public byte[] get(String key) {
        TextProtocolClient.Item item = call("get " + key, () -> client.get(key));
        return item == null ? null : item.value();
    }

    /** Stores {@code value} under {@code key} with flags 0; {@code ttlSeconds} 0 means no expiry. */
    public void set(String key, byte[] value, int ttlSeconds) {
        setRaw(key, value, 0, ttlSeconds);
    }

    /** Stores {@code value} under {@code key} with the given client flags and expiry, as a product client would. */
    public void setRaw(String key, byte[] value, int flags, int ttl) {
        call("set " + key, () -> {
            client.set(key, value, flags, ttl);
            return null;
        });
    }

    /** Deletes {@code key}; returns whether it was present. */
    public boolean delete(String key) {
        return call("delete " + key, () -> client.delete(key));
    }

    /** Removes every item ({@code flush_all}). */
    public void flush() {
        call("flush_all", () -> {
            client.flushAll();
            return null;
        });
    }

    /** The output of the {@code stats} command, in the server's order. */
    public Map<String, String> stats() {
        return call("stats", client::stats);
    }

    /** The server's version string; used to tell this process from anything else on the port. */
    String version() {
        return call("version", client::version);
    }

    /** How many processes this node has launched, counting failed attempts; lets tests observe retries. */
    int launches() {
        return launches.get();
    }

    /** Whether the raw client can talk to this node (SASL or {@code -B binary} turn the text protocol off). */
    boolean speaksText() {
        return speaksText;
    }

    @Override
    public String toString() {
        return id + " " + address() + (isPaused() ? " (paused)" : isRunning() ? " (running)" : " (down)");
    }

    private interface IoCall<T> {
        T run() throws IOException;
    }

    private <T> T call(String command, IoCall<T> call) {
        if (!speaksText) {
            throw new IllegalStateException("memcached " + id + " (" + address() + ") was started with " + extraArgs
                    + ", which turns the text protocol off; the raw client cannot send '" + command + "'");
        }
        if (isPaused()) {
            throw new IllegalStateException("memcached " + id + " (" + address() + ") is paused; resume() it before '"
                    + command + "'");
        }
        if (!isRunning()) {
            throw new IllegalStateException("memcached " + id + " (" + address() + ") is down; start() it before '"
                    + command + "'");
        }
        try {
            return call.run();
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("memcached " + id + " (" + address() + ") did not answer '" + command
                    + "' within " + IO_TIMEOUT_MILLIS + " ms", e);
        } catch (IOException e) {
            throw new IllegalStateException("memcached " + id + " (" + address() + ") failed '" + command + "': " + e, e);
        }
    }

    private void launch() {
        ProcessBuilder builder = new ProcessBuilder(command())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(environment);
        try {
            launches.incrementAndGet();
            Process started = builder.start();
            ProcessReaper.register(started);
            lastPid = started.pid();
            paused = false;
            stderr = new OutputTail(started.getErrorStream(), "memcached-" + id + "-stderr");
            process = started;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + binary + " for memcached " + id + ": " + e, e);
        }
    }

    private List<String> command() {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-l", FreePorts.LOOPBACK,
                "-p", Integer.toString(port), "-U", "0", "-t", "1", "-m", "64", "-c", "1024"));
        // memcached refuses to run as root unless told which user to be.
        if ("root".equals(System.getProperty("user.name")) && !extraArgs.contains("-u")) {
            command.addAll(List.of("-u", "root"));
        }
        command.addAll(extraArgs);
        return command;
    }

    /** Polls until the new process accepts connections (true) or exits (false); throws at the deadline. */
    private boolean awaitAccepting(long deadline) {
        Process current = process;
        while (System.nanoTime() < deadline) {
            if (!current.isAlive()) {
                return false;
            }
            if (acceptsConnection() && current.isAlive() && answersAsMemcached()) {
                return true;
            }
            Waiting.pause();
        }
        String errors = stderr.text();
        kill();
        throw new IllegalStateException("memcached " + id + " did not accept connections on " + address() + " within "
                + START_TIMEOUT_MILLIS + " ms; stderr: " + (errors.isEmpty() ? "(empty)" : errors));
    }

    private boolean acceptsConnection() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(FreePorts.LOOPBACK, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Guards against another program that took the port while this process failed to bind it. */
    private boolean answersAsMemcached() {
        if (!speaksText) {
            return true;
        }
        try {
            client.version();
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    private void forget(Process gone) {
        ProcessReaper.unregister(gone);
        if (process == gone) {
            process = null;
        }
        paused = false;
    }

    private void requireRunning(String operation) {
        if (!isRunning()) {
            throw new IllegalStateException("memcached " + id + " (" + address() + ") is down; cannot " + operation);
        }
    }

    static boolean speaksTextProtocol(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            boolean nextIsBinary = i + 1 < args.size() && args.get(i + 1).equals("binary");
            if (arg.equals("-S") || arg.equals("--enable-sasl") || arg.equals("-Bbinary")
                    || arg.equals("--protocol=binary") || ((arg.equals("-B") || arg.equals("--protocol")) && nextIsBinary)) {
                return false;
            }
        }
        return true;
    }

    private static String exitCode(Process gone) {
        return gone.isAlive() ? "still running" : Integer.toString(gone.exitValue());
    }
}
