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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * One memcached node as the whole JVM sees it: its client, its health and its counters, shared by every store
 * that names the same address. Every operation goes through {@link #call}, which bounds it by the caller's
 * timeout and reports the outcome to the node's health.
 */
public final class SharedNode {
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.SharedNode");
    private final NodeAddress node;
    private final NodeClient client;
    private final NodeHealth health;
    private final ScheduledExecutorService probes;
    private final long probeTimeoutMillis;
    private final LongSupplier nanoClock;
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
    private final String username;
    int references;

    SharedNode(NodeAddress node, Function<NodeClient.ConnectionListener, NodeClient> clientFactory,
               long retryIntervalMillis, long probeTimeoutMillis, String username, ScheduledExecutorService probes,
               LongSupplier nanoClock) {
        this.node = node;
        this.username = username;
        this.probes = probes;
        this.probeTimeoutMillis = probeTimeoutMillis;
        this.nanoClock = nanoClock;
        this.health = new NodeHealth(node, retryIntervalMillis, nanoClock);
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
                if (health.state() == NodeState.DOWN) {
                    health.connectionRestored();
                    scheduleProbe();
                }
            }

            @Override
            public void disconnected() {
                health.connectionLost();
            }

            @Override
            public void authenticationFailed() {
                onAuthenticationFailure();
            }
        });
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

    /** Completes when the client first connects; never fails. */
    public CompletableFuture<Void> firstConnection() {
        return firstConnection;
    }

    /**
     * Runs one operation on this node, bounded by {@code timeoutMillis}. The returned future fails only with a
     * {@link NodeFailure}; every outcome is reported to the node's health.
     */
    public <T> CompletableFuture<T> call(Function<NodeClient, CompletableFuture<T>> operation, long timeoutMillis) {
        long sentAt = nanoClock.getAsLong();
        operations.increment();
        CompletableFuture<T> pending;
        try {
            pending = operation.apply(client);
        } catch (RuntimeException | AssertionError e) {
            // Client libraries signal broken states with unchecked throwables; a request never sees them.
            pending = CompletableFuture.failedFuture(new NodeFailure(NodeFailure.Kind.UNREACHABLE, String.valueOf(e)));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        waiting.add(result);
        OperationTimeouts.shared().within(pending, timeoutMillis).whenComplete((value, error) -> {
            // Whatever the bookkeeping does, the caller's future completes: a request must never wait forever.
            // Out of the waiting set first: if this very failure takes the node down, it keeps its own reason.
            waiting.remove(result);
            completedNanos.add(nanoClock.getAsLong() - sentAt);
            completed.increment();
            NodeFailure failure = error == null ? null : NodeFailure.of(error);
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
        });
        return result;
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
                "it rejected the SASL credentials of user '" + username + "'"), nanoClock.getAsLong());
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
        OperationTimeouts.shared().within(client.probe(), probeTimeoutMillis).whenComplete((ok, error) -> {
            if (error == null) {
                health.probeSucceeded();
                return;
            }
            NodeFailure failure = NodeFailure.of(error);
            if (failure.kind() == NodeFailure.Kind.TIMEOUT && client.isConnected()) {
                // Open but silent: maybe hung, maybe a dead connection. A fresh one tells them apart.
                try {
                    probes.execute(client::reconnect);
                } catch (RejectedExecutionException e) {
                    // the registry was shut down
                }
            }
            health.probeFailed("probe failed: " + failure.getMessage());
        });
    }

    void close() {
        client.close();
    }
}
