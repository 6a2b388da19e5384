package io.mcsessions.core.internal;

import io.mcsessions.core.NodeAddress;
import io.mcsessions.core.NodeState;
import io.mcsessions.core.NodeStatus;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * One memcached node as the whole JVM sees it: its client, its health and its counters, shared by every store
 * that names the same address. Every operation goes through {@link #call}, which bounds it by the caller's
 * timeout and reports the outcome to the node's health.
 *
 * <p>A connection found dead is not by itself a down node. The node may have restarted while the connection sat
 * idle, and the client library only notices when it sends on it. So an operation that finds no connection, and a
 * connection the library reports lost, lead to one new dial first (shared by every operation that fails
 * meanwhile): if the node answers it, the operation is sent again, once, and the node stays up; if it refuses,
 * the node goes down. A heartbeat checks connections that were idle for a retry interval, so that an instance
 * nobody used notices a restart before its next user does. A node that is down is probed once per retry
 * interval, and the probe dials itself rather than wait for the library's reconnection backoff.
 */
public final class SharedNode {
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.SharedNode");
    private final NodeAddress node;
    private final NodeClient client;
    private final NodeHealth health;
    private final ScheduledExecutorService probes;
    private final long probeTimeoutMillis;
    private final long retryIntervalMillis;
    private final StoreClock clock;
    private final CompletableFuture<Void> firstConnection = new CompletableFuture<>();
    private final LongAdder operations = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    /** Operations completed (answered, failed or timed out) and their total time from send to completion. */
    private final LongAdder completed = new LongAdder();
    private final LongAdder completedNanos = new LongAdder();
    private final AtomicBoolean authenticationReported = new AtomicBoolean();
    /** Callers' futures of the operations sent and not yet answered: released at once when the node goes down. */
    private final Set<CompletableFuture<?>> waiting = ConcurrentHashMap.newKeySet();
    /** The dial in progress, or the last one. */
    private final AtomicReference<CompletableFuture<Void>> dialing =
            new AtomicReference<>(CompletableFuture.completedFuture(null));
    /** How many dials succeeded: an operation sent before the last one may fail for the connection it replaced. */
    private final AtomicLong connections = new AtomicLong();
    private final ScheduledFuture<?> heartbeat;
    private final String username;
    int references;

    SharedNode(NodeAddress node, Function<NodeClient.ConnectionListener, NodeClient> clientFactory,
               long retryIntervalMillis, long probeTimeoutMillis, String username, ScheduledExecutorService probes,
               StoreClock clock) {
        this.node = node;
        this.username = username;
        this.probes = probes;
        this.probeTimeoutMillis = probeTimeoutMillis;
        this.retryIntervalMillis = retryIntervalMillis;
        this.clock = clock;
        this.health = new NodeHealth(node, retryIntervalMillis, clock);
        this.health.addListener((h, from, to, reason) -> {
            if (to == NodeState.DOWN) {
                releaseWaiting(reason);
                scheduleProbe();
            } else if (to == NodeState.UP) {
                authenticationReported.set(false);
            }
        });
        this.client = clientFactory.apply(new NodeClient.ConnectionListener() {
            @Override
            public void connected() {
                firstConnection.complete(null);
                // The library reconnected a node that is down: probe it now. Not after a dial of ours: that one's
                // caller decides what follows (a hung node accepts connections, and must not be probed in a loop).
                if (health.state() == NodeState.DOWN && dialing.get().isDone()) {
                    health.connectionRestored();
                    scheduleProbe();
                }
            }

            @Override
            public void disconnected() {
                if (health.isUp()) {
                    redialOrGoDown(clock.nanos());
                }
            }

            @Override
            public void authenticationFailed() {
                onAuthenticationFailure();
            }

            @Override
            public void notMemcached(NodeFailure why) {
                firstConnection.completeExceptionally(why);
            }
        });
        this.heartbeat = scheduleHeartbeat();
    }

    public NodeAddress node() {
        return node;
    }

    public NodeHealth health() {
        return health;
    }

    public boolean isUp() {
        return health.isUp();
    }

    /**
     * Completes when the client first connects; fails when the node answered, at start, as something other than
     * memcached.
     */
    public CompletableFuture<Void> firstConnection() {
        return firstConnection;
    }

    /**
     * Runs one operation on this node, bounded by {@code timeoutMillis}. The returned future fails only with a
     * {@link NodeFailure}; every outcome is reported to the node's health. An operation that finds no connection
     * is sent again, once, when a new dial reaches the node.
     */
    public <T> CompletableFuture<T> call(Function<NodeClient, CompletableFuture<T>> operation, long timeoutMillis) {
        CompletableFuture<T> result = new CompletableFuture<>();
        waiting.add(result);
        attempt(operation, timeoutMillis, result, true);
        return result;
    }

    private <T> void attempt(Function<NodeClient, CompletableFuture<T>> operation, long timeoutMillis,
                             CompletableFuture<T> result, boolean mayRetry) {
        long sentAt = clock.nanos();
        long connection = connections.get();
        operations.increment();
        CompletableFuture<T> pending;
        try {
            pending = operation.apply(client);
        } catch (RuntimeException | AssertionError e) {
            // Client libraries signal broken states with unchecked throwables; a request never sees them.
            pending = CompletableFuture.failedFuture(new NodeFailure(NodeFailure.Kind.UNREACHABLE, String.valueOf(e)));
        }
        OperationTimeouts.shared().within(pending, timeoutMillis).whenComplete((value, error) -> {
            completedNanos.add(clock.nanos() - sentAt); // each attempt: what the node took to answer
            completed.increment();
            NodeFailure failure = error == null ? null : NodeFailure.of(error);
            if (failure != null && mayRetry && failure.kind() == NodeFailure.Kind.UNREACHABLE && health.isUp()
                    && !result.isDone()) {
                // No connection: perhaps one that died while idle. Dial (unless a dial since this was sent already
                // did), then send it once more; only a node that refuses the dial is down.
                CompletableFuture<Void> dialled = connections.get() != connection
                        ? CompletableFuture.completedFuture(null) : redial();
                dialled.whenComplete((ok, dialFailure) -> {
                    if (dialFailure == null) {
                        attempt(operation, timeoutMillis, result, false);
                    } else {
                        finish(result, null, NodeFailure.of(dialFailure), sentAt);
                    }
                });
                return;
            }
            finish(result, value, failure, sentAt);
        });
    }

    /** Reports the outcome to the node's health, then completes the caller's future, whatever the bookkeeping does. */
    private <T> void finish(CompletableFuture<T> result, T value, NodeFailure failure, long sentAt) {
        // Out of the waiting set first: if this very failure takes the node down, it keeps its own reason.
        waiting.remove(result);
        try {
            if (failure == null) {
                health.recordAnswer();
            } else {
                if (failure.kind() == NodeFailure.Kind.TIMEOUT) {
                    timeouts.increment();
                } else if (failure.kind().countsAgainstNode()) {
                    failures.increment();
                }
                health.recordFailure(failure, sentAt);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "node health bookkeeping failed for " + node.describe(), e);
        } finally {
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure);
            }
        }
    }

    /**
     * A new connection, dialled now; one dial at a time, shared by every caller meanwhile. Completes when the node
     * accepted it; fails when the node refused it or did not answer within the operation timeout.
     */
    private CompletableFuture<Void> redial() {
        while (true) {
            CompletableFuture<Void> current = dialing.get();
            if (!current.isDone()) {
                return current;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            if (dialing.compareAndSet(current, mine)) {
                CompletableFuture<Void> reconnected;
                try {
                    reconnected = client.reconnect();
                } catch (RuntimeException e) {
                    reconnected = CompletableFuture.failedFuture(NodeFailure.of(e));
                }
                OperationTimeouts.shared().within(reconnected, probeTimeoutMillis).whenComplete((ok, failure) -> {
                    if (failure == null) {
                        connections.incrementAndGet();
                        health.reconnected();
                        LOG.log(System.Logger.Level.DEBUG, "memcached node {0}: found its connection dead and "
                                + "connected again", node.describe());
                        mine.complete(null);
                    } else {
                        NodeFailure why = NodeFailure.of(failure);
                        mine.completeExceptionally(why.kind() == NodeFailure.Kind.TIMEOUT
                                ? new NodeFailure(NodeFailure.Kind.UNREACHABLE, "no new connection within "
                                        + probeTimeoutMillis + " ms")
                                : why);
                    }
                });
                return mine;
            }
        }
    }

    /** The library reports the connection lost: dial again, and take the node down only if that fails. */
    private void redialOrGoDown(long since) {
        redial().whenComplete((ok, failure) -> {
            if (failure != null) {
                NodeFailure why = NodeFailure.of(failure);
                health.recordFailure(new NodeFailure(NodeFailure.Kind.UNREACHABLE, "connection lost, and "
                        + why.getMessage()), since);
            }
        });
    }

    /**
     * The node was just taken down (a hung node, typically): the operations still waiting on it would each wait
     * out the full timeout, and the requests behind them with them. They fail now, as the timeout would have
     * failed them: their outcome on the node is unknown, and every caller goes on with the other replicas.
     */
    private void releaseWaiting(String reason) {
        for (CompletableFuture<?> result : waiting) {
            waiting.remove(result);
            result.completeExceptionally(new NodeFailure(NodeFailure.Kind.TIMEOUT,
                    "no answer before the node was taken down (" + reason + ")"));
        }
    }

    /** The node's state and counters, named as one store configured it. */
    public NodeStatus status(NodeAddress asConfigured) {
        NodeHealth.Snapshot s = health.snapshot();
        return new NodeStatus(asConfigured, s.state(), s.sinceMillis(), s.state() == NodeState.UP ? null : s.reason(),
                operations.sum(), failures.sum(), timeouts.sum(), completed.sum(), completedNanos.sum());
    }

    /** A wrong password is a configuration error: one ERROR per node, then the node stays out until it is fixed. */
    private void onAuthenticationFailure() {
        if (authenticationReported.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.ERROR, "memcached node {0} rejected the SASL credentials of user ''{1}'': "
                    + "check username and password; the node stays out of use until it accepts them",
                    node.describe(), username);
        }
        health.recordFailure(new NodeFailure(NodeFailure.Kind.AUTHENTICATION,
                "it rejected the SASL credentials of user '" + username + "'"), clock.nanos());
    }

    private void scheduleProbe() {
        long delay = Math.max(0, health.nanosUntilProbe());
        try {
            probes.schedule(this::probeIfDue, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the registry was shut down: no more probes are wanted
        }
    }

    private void probeIfDue() {
        if (health.state() != NodeState.DOWN) {
            return;
        }
        if (!health.tryBeginProbe()) {
            scheduleProbe();
            return;
        }
        probe(true);
    }

    /** One probe; without a connection it dials first, so the library's reconnection schedule does not decide. */
    private void probe(boolean mayDial) {
        OperationTimeouts.shared().within(client.probe(), probeTimeoutMillis).whenComplete((ok, error) -> {
            if (error == null) {
                health.probeSucceeded();
                return;
            }
            NodeFailure failure = NodeFailure.of(error);
            if (failure.kind() == NodeFailure.Kind.UNREACHABLE && mayDial) {
                redial().whenComplete((dialled, dialFailure) -> {
                    if (dialFailure == null) {
                        probe(false);
                    } else {
                        health.probeFailed("probe failed: " + NodeFailure.of(dialFailure).getMessage());
                    }
                });
                return;
            }
            if (failure.kind() == NodeFailure.Kind.TIMEOUT && client.isConnected()) {
                // Open but silent: maybe hung, maybe a dead connection. A fresh one tells them apart next time.
                redial();
            }
            health.probeFailed("probe failed: " + failure.getMessage());
        });
    }

    private ScheduledFuture<?> scheduleHeartbeat() {
        try {
            return probes.scheduleWithFixedDelay(this::heartbeat, retryIntervalMillis, retryIntervalMillis,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the registry was shut down
        }
    }

    /**
     * Checks a connection that was idle for a retry interval: a node that restarted meanwhile is dialled again
     * before the next request needs it, and a node that died is taken down before a request finds it so.
     */
    private void heartbeat() {
        if (health.isUp() && waiting.isEmpty()
                && health.nanosSinceLastAnswer() >= TimeUnit.MILLISECONDS.toNanos(retryIntervalMillis)) {
            call(NodeClient::probe, probeTimeoutMillis);
        }
    }

    void close() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        client.close();
    }
}
