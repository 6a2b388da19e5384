package io.mcsessions.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that runs N real memcached processes on free loopback ports.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
 * }</pre>
 *
 * <p>Before all tests of the class, every node is started ({@code memcached -l 127.0.0.1 -p <port> -U 0
 * -t 1 -m 64 -c 1024} plus {@link #extraArgs extra arguments}) and awaited until it accepts connections;
 * after all tests, every node is killed. Before each test, {@link #reset()} brings every node back to
 * running, resumed and empty, unless {@link #resetBeforeEach(boolean) turned off}. A JVM shutdown hook
 * kills any process still alive, so no process outlives the test run.
 *
 * <p>Without JUnit, use {@link #start()} and {@link #close()}, e.g. in try-with-resources.
 *
 * <p>If memcached is missing, starting fails with a message that says how to install it. The binary is
 * looked up in {@code MEMCACHED_BIN}, {@code /usr/bin/memcached}, {@code /usr/local/bin/memcached}, then
 * {@code PATH}.
 */
public final class MemcachedCluster implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AutoCloseable {

    private final int count;
    private final int[] fixedPorts;
    private final List<String> extraArgs = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private volatile boolean resetBeforeEach = true;
    private volatile List<MemcachedNode> nodes;
    private String ownerContextId;

    private MemcachedCluster(int count, int[] fixedPorts) {
        this.count = count;
        this.fixedPorts = fixedPorts;
    }

    /**
     * A cluster of {@code count} nodes, with ids {@code n1} to {@code n<count>}; nothing is started yet.
     *
     * @throws IllegalArgumentException if {@code count} is less than 1
     */
    public static MemcachedCluster withNodes(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, but was " + count);
        }
        return new MemcachedCluster(count, null);
    }

    /**
     * A cluster with one node on each of the given 127.0.0.1 ports (ids {@code n1}...), for programs such as the
     * demo whose ports are configured. A port that is taken fails {@link #start()} with a message naming it.
     *
     * @throws IllegalArgumentException if no port is given or one is outside 1-65535
     */
    public static MemcachedCluster onPorts(int... ports) {
        if (ports.length < 1) {
            throw new IllegalArgumentException("at least one port is needed");
        }
        for (int port : ports) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("ports must be between 1 and 65535, but one was " + port);
            }
        }
        return new MemcachedCluster(ports.length, ports.clone());
    }

    /**
     * Arguments appended to every memcached command line, e.g. {@code "-I", "2m"}. With {@code -S} (SASL)
     * or {@code -B binary}, the nodes' raw text-protocol accessors are unavailable and {@link #reset()}
     * empties a node by restarting it instead of flushing it.
     *
     * @throws IllegalStateException if the cluster is already started
     */
    public MemcachedCluster extraArgs(String... args) {
        requireNotStarted("extraArgs");
        Collections.addAll(extraArgs, args);
        return this;
    }

    /**
     * An environment variable for every memcached process, e.g. {@code SASL_CONF_PATH} and
     * {@code MEMCACHED_SASL_PWDB} for a SASL cluster.
     *
     * @throws IllegalStateException if the cluster is already started
     */
    public MemcachedCluster environment(String name, String value) {
        requireNotStarted("environment");
        environment.put(name, value);
        return this;
    }

    /** Whether {@link #reset()} runs before each test; default {@code true}. */
    public MemcachedCluster resetBeforeEach(boolean enabled) {
        this.resetBeforeEach = enabled;
        return this;
    }

    /**
     * Starts every node and waits until each accepts connections. No-op if already started. If one node
     * fails, the nodes already started are killed and the failure is thrown.
     *
     * @throws IllegalStateException if memcached is not installed or a node does not come up
     */
    public synchronized void start() {
        if (nodes != null) {
            return;
        }
        Path binary = MemcachedBinary.locate();
        List<MemcachedNode> created = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            int port = fixedPorts == null ? FreePorts.next() : fixedPorts[i - 1];
            created.add(new MemcachedNode("n" + i, port, binary, extraArgs, environment));
        }
        try {
            for (MemcachedNode node : created) {
                node.start();
            }
        } catch (RuntimeException e) {
            created.forEach(MemcachedCluster::killQuietly);
            throw e;
        }
        nodes = List.copyOf(created);
    }

    /** Kills every node. The cluster can be {@link #start() started} again, on new ports. */
    @Override
    public synchronized void close() {
        List<MemcachedNode> started = nodes;
        nodes = null;
        ownerContextId = null;
        if (started != null) {
            started.forEach(MemcachedCluster::killQuietly);
        }
    }

    /**
     * Makes every node running, resumed and empty: a down node is started, a paused one resumed, then
     * every node is flushed ({@code flush_all}), or restarted if it does not speak the text protocol.
     */
    public void reset() {
        for (MemcachedNode node : nodes()) {
            node.start();
            node.resume();
            if (node.speaksText()) {
                node.flush();
            } else {
                node.restart();
            }
        }
    }

    /**
     * Kills every node at the same moment, as a power cut would: SIGKILL goes to all of them before this waits for
     * any. Killing them one by one leaves milliseconds in which a request sees some nodes dead and others alive,
     * a chain of separate failures rather than one outage.
     */
    public void killAll() {
        List<MemcachedNode> started = nodes();
        started.forEach(MemcachedNode::sendKill);
        started.forEach(MemcachedNode::kill);
    }

    /** The number of nodes, also before the cluster is started. */
    public int size() {
        return count;
    }

    /**
     * The node at {@code index}, 0-based: {@code node(0)} is {@code n1}.
     *
     * @throws IllegalStateException if the cluster is not started
     */
    public MemcachedNode node(int index) {
        List<MemcachedNode> started = nodes();
        if (index < 0 || index >= started.size()) {
            throw new IndexOutOfBoundsException("index must be between 0 and " + (started.size() - 1) + ", but was " + index);
        }
        return started.get(index);
    }

    /**
     * Every node, in id order; the list is unmodifiable.
     *
     * @throws IllegalStateException if the cluster is not started
     */
    public List<MemcachedNode> nodes() {
        List<MemcachedNode> started = nodes;
        if (started == null) {
            throw new IllegalStateException("the memcached cluster is not started: register it with "
                    + "@RegisterExtension static final MemcachedCluster, or call start()");
        }
        return started;
    }

    /** The nodes in the product's configuration format: {@code "n1:127.0.0.1:P1,n2:127.0.0.1:P2,..."}. */
    public String nodesString() {
        return nodes().stream().map(node -> node.id() + ":" + node.address()).collect(Collectors.joining(","));
    }

    /**
     * {@code "127.0.0.1:<port>"} for a port nothing listens on, so connecting is refused: the port was
     * bound to an ephemeral server socket and released, and is never handed to a node or proxy of this JVM.
     */
    public static String refusedAddress() {
        return FreePorts.LOOPBACK + ":" + FreePorts.next();
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (nodes == null) {
            start();
            ownerContextId = context.getUniqueId();
        }
    }

    /** Kills the nodes, unless this is the end of a nested class of the class that started them. */
    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (ownerContextId == null || ownerContextId.equals(context.getUniqueId())) {
            close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (nodes == null) {
            throw new IllegalStateException("the memcached cluster is not started: register it in a static field "
                    + "(@RegisterExtension static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);)");
        }
        if (resetBeforeEach) {
            reset();
        }
    }

    @Override
    public String toString() {
        List<MemcachedNode> started = nodes;
        return "MemcachedCluster" + (started == null ? "(" + count + " nodes, not started)" : started);
    }

    private void requireNotStarted(String option) {
        if (nodes != null) {
            throw new IllegalStateException(option + " must be set before the cluster is started");
        }
    }

    private static void killQuietly(MemcachedNode node) {
        try {
            node.kill();
        } catch (RuntimeException e) {
            // Keep killing the others; the shutdown hook is the last resort for this one.
        }
    }
}
