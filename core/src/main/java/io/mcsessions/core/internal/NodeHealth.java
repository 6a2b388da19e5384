package io.mcsessions.core.internal;

import io.mcsessions.core.NodeAddress;
import io.mcsessions.core.NodeState;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The health of one memcached node: an explicit state machine (UP, DOWN, PROBING, MARKED_DOWN) held in an
 * {@link AtomicReference}. The thread that wins a transition logs it once and publishes exactly one event.
 *
 * <p>When does a node go down? At once when its connection is lost or refused, or when an operation times out
 * while the node has sent no answer at all since that operation was sent (a hung node: waiting for a second
 * timeout would only make a second request wait). Other failures (a slow answer while others flow, a server
 * error) take {@link #SOFT_FAILURE_THRESHOLD}, each within a retry interval of the one before. A node that is down is left alone for
 * {@code retryInterval}; then {@link #tryBeginProbe()} lets exactly one caller probe it. A timeout across a stall
 * of this JVM itself (garbage collection, a starved CPU) counts against no node.
 */
public final class NodeHealth {
    /** Consecutive soft failures (slow or erroring while otherwise answering) that take a node down. */
    static final int SOFT_FAILURE_THRESHOLD = 3;

    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.NodeHealth");

    /** The transitions a node may make; any other is a bug (transition() refuses it). */
    private static final Map<NodeState, Set<NodeState>> LEGAL = Map.of(
            NodeState.UP, EnumSet.of(NodeState.DOWN, NodeState.MARKED_DOWN),
            NodeState.DOWN, EnumSet.of(NodeState.PROBING, NodeState.MARKED_DOWN),
            NodeState.PROBING, EnumSet.of(NodeState.UP, NodeState.DOWN, NodeState.MARKED_DOWN),
            NodeState.MARKED_DOWN, EnumSet.of(NodeState.DOWN));

    /**
     * Everything about the node but its last answer, immutable, replaced as a whole on every change.
     *
     * @param state                the state
     * @param sinceNanos           when it entered the state (back-dated to make a probe due at once)
     * @param sinceMillis          the same, as wall time, for status pages
     * @param reason               why it left UP, or the last soft failure while UP
     * @param softFailures         soft failures in a row while UP
     * @param lastSoftFailureNanos when the last of them came
     * @param wentDownNanos        when it last left UP
     * @param upSinceNanos         when it last came (back) up, or was found reconnected; meaningful if cameUp
     * @param cameUp               whether it ever came up after being down; until then it was up since first use
     */
    record Snapshot(NodeState state, long sinceNanos, long sinceMillis, String reason, int softFailures,
                    long lastSoftFailureNanos, long wentDownNanos, long upSinceNanos, boolean cameUp) {

        Snapshot enter(NodeState to, long now, long nowMillis, String why) {
            boolean up = to == NodeState.UP;
            return new Snapshot(to, now, nowMillis, why, 0, 0,
                    state == NodeState.UP ? now : wentDownNanos, up ? now : upSinceNanos, cameUp || up);
        }

        Snapshot softFailure(String why, int count, long now) {
            return new Snapshot(state, sinceNanos, sinceMillis, why, count, now, wentDownNanos, upSinceNanos, cameUp);
        }

        Snapshot dueSince(long since, String why) {
            return new Snapshot(state, since, sinceMillis, why, softFailures, lastSoftFailureNanos, wentDownNanos,
                    upSinceNanos, cameUp);
        }

        Snapshot reconnectedAt(long now) {
            return new Snapshot(state, sinceNanos, sinceMillis, reason, softFailures, lastSoftFailureNanos,
                    wentDownNanos, now, true);
        }
    }

    /** Told about every transition, by the thread that made it. */
    public interface TransitionListener {
        void onTransition(NodeHealth health, NodeState from, NodeState to, String reason);
    }

    private final NodeAddress node;
    private final long retryIntervalNanos;
    private final StoreClock clock;
    private final AtomicReference<Snapshot> current;
    private final CopyOnWriteArrayList<TransitionListener> listeners = new CopyOnWriteArrayList<>();
    /**
     * When the node last answered anything. Outside the snapshot on purpose: it is written on every answer, the
     * hottest path there is, where a compare-and-swap of a new snapshot would cost an allocation each time.
     */
    private volatile long lastAnswerNanos;

    /** Tells whether the JVM itself stalled since a given time; the JVM-wide monitor unless a test says else. */
    @FunctionalInterface
    public interface StallDetector {
        boolean stalledSince(long sinceNanos, long nowNanos);
    }

    private final StallDetector stalls;

    public NodeHealth(NodeAddress node, long retryIntervalMillis, StoreClock clock) {
        this(node, retryIntervalMillis, clock, StallMonitor.JVM::stalledSince);
    }

    public NodeHealth(NodeAddress node, long retryIntervalMillis, StoreClock clock, StallDetector stalls) {
        this.stalls = stalls;
        this.node = node;
        this.retryIntervalNanos = retryIntervalMillis * 1_000_000L;
        this.clock = clock;
        long now = clock.nanos();
        this.lastAnswerNanos = now;
        this.current = new AtomicReference<>(new Snapshot(NodeState.UP, now, clock.wallMillis(), null, 0, 0,
                now, now, false));
    }

    public NodeAddress node() {
        return node;
    }

    public NodeState state() {
        return current.get().state();
    }

    Snapshot snapshot() {
        return current.get();
    }

    /** Whether requests may use the node. */
    public boolean isUp() {
        return current.get().state() == NodeState.UP;
    }

    /**
     * Whether the node is up and has been since {@code sinceNanos} (or since this JVM first used it): every write
     * meant for it in that time reached it, or was counted as its failure.
     */
    public boolean upContinuouslySince(long sinceNanos) {
        Snapshot s = current.get();
        return s.state() == NodeState.UP && (!s.cameUp() || s.upSinceNanos() - sinceNanos <= 0);
    }

    public void addListener(TransitionListener listener) {
        listeners.add(listener);
    }

    public void removeListener(TransitionListener listener) {
        listeners.remove(listener);
    }

    /** The node answered (a hit, a miss, a refusal of a value: anything but silence or an error about itself). */
    public void recordAnswer() {
        lastAnswerNanos = clock.nanos();
    }

    /**
     * An operation sent at {@code sentAtNanos} failed.
     *
     * @return true when this failure took the node down
     */
    public boolean recordFailure(NodeFailure failure, long sentAtNanos) {
        if (!failure.kind().countsAgainstNode()) {
            recordAnswer();
            return false;
        }
        if (failure.kind() == NodeFailure.Kind.TIMEOUT && stalls.stalledSince(sentAtNanos, clock.nanos())) {
            return false; // this JVM stalled while waiting: the answer may be unread in a socket, not missing
        }
        while (true) {
            Snapshot s = current.get();
            if (s.state() != NodeState.UP) {
                return false;
            }
            long now = clock.nanos();
            boolean hard = failure.kind() == NodeFailure.Kind.UNREACHABLE
                    || failure.kind() == NodeFailure.Kind.AUTHENTICATION
                    || (failure.kind() == NodeFailure.Kind.TIMEOUT && lastAnswerNanos - sentAtNanos <= 0);
            // Soft failures add up only while they come within a retry interval of each other.
            boolean recent = s.softFailures() > 0 && now - s.lastSoftFailureNanos() < retryIntervalNanos;
            int soft = recent ? s.softFailures() + 1 : 1;
            if (hard || soft >= SOFT_FAILURE_THRESHOLD) {
                String reason = hard && failure.kind() == NodeFailure.Kind.TIMEOUT
                        ? "no answer to anything sent since " + millisSince(sentAtNanos) + " ms ago"
                        : failure.getMessage() + (hard ? "" : " (" + soft + " times in a row)");
                if (transition(s, NodeState.DOWN, reason)) {
                    return true;
                }
            } else if (current.compareAndSet(s, s.softFailure(failure.getMessage(), soft, now))) {
                return false;
            }
        }
    }

    /** How long ago the node last answered anything. */
    public long nanosSinceLastAnswer() {
        return clock.nanos() - lastAnswerNanos;
    }

    /**
     * The node's connection was found dead and a new one reached it, while it counted as up: it may have restarted
     * (empty) or been away. Reads treat it as having come back, as after a transition to up, without one.
     */
    public void reconnected() {
        Snapshot s = current.get();
        if (s.state() == NodeState.UP) {
            current.compareAndSet(s, s.reconnectedAt(clock.nanos())); // lost to a transition: that says more
        }
    }

    /** The connection dropped and could not be made again. */
    public void connectionLost() {
        Snapshot s = current.get();
        if (s.state() == NodeState.UP) {
            transition(s, NodeState.DOWN, "connection lost");
        }
    }

    /**
     * The client library connected again: if the node is down, the probe is due now rather than after the rest
     * of the retry interval. Still one probe, never one per request.
     */
    public void connectionRestored() {
        Snapshot s = current.get();
        if (s.state() == NodeState.DOWN) {
            current.compareAndSet(s, s.dueSince(clock.nanos() - retryIntervalNanos, s.reason()));
        }
    }

    /** The node failed to connect when the store started. */
    public void unreachableAtStart(String reason) {
        Snapshot s = current.get();
        if (s.state() == NodeState.UP) {
            transition(s, NodeState.DOWN, reason);
        }
    }

    /**
     * Whether the caller should probe the node now: true for exactly one caller once {@code retryInterval}
     * has passed since the node went down (or since its last failed probe).
     */
    public boolean tryBeginProbe() {
        Snapshot s = current.get();
        return s.state() == NodeState.DOWN && clock.nanos() - s.sinceNanos() >= retryIntervalNanos
                && transition(s, NodeState.PROBING, "retry interval passed");
    }

    /** Nanoseconds until {@link #tryBeginProbe()} can succeed; 0 when due, -1 when the node is not down. */
    public long nanosUntilProbe() {
        Snapshot s = current.get();
        if (s.state() != NodeState.DOWN) {
            return -1;
        }
        return Math.max(0, retryIntervalNanos - (clock.nanos() - s.sinceNanos()));
    }

    public void probeSucceeded() {
        Snapshot s = current.get();
        if (s.state() == NodeState.PROBING) {
            lastAnswerNanos = clock.nanos();
            transition(s, NodeState.UP, "answered the probe");
        }
    }

    public void probeFailed(String reason) {
        Snapshot s = current.get();
        if (s.state() == NodeState.PROBING) {
            transition(s, NodeState.DOWN, reason);
        }
    }

    /** Takes the node out of service until {@link #markUp()}. */
    public void markDown() {
        while (true) {
            Snapshot s = current.get();
            if (s.state() == NodeState.MARKED_DOWN || transition(s, NodeState.MARKED_DOWN, "marked down by an operator")) {
                return;
            }
        }
    }

    /** Ends an operator's mark-down; the node is probed right away and used once it answers. */
    public void markUp() {
        Snapshot s = current.get();
        if (s.state() == NodeState.MARKED_DOWN) {
            // Back-date the change so the probe is due at once.
            Snapshot due = s.enter(NodeState.DOWN, clock.nanos(), clock.wallMillis(), "marked up by an operator")
                    .dueSince(clock.nanos() - retryIntervalNanos, "marked up by an operator");
            if (current.compareAndSet(s, due)) {
                LOG.log(System.Logger.Level.INFO, "memcached node {0} was marked up by an operator; probing it now",
                        node.describe());
                notifyListeners(NodeState.MARKED_DOWN, NodeState.DOWN, "marked up by an operator");
            }
        }
    }

    private boolean transition(Snapshot from, NodeState to, String reason) {
        if (!LEGAL.get(from.state()).contains(to)) {
            throw new IllegalStateException("memcached node " + node.describe() + " cannot go from " + from.state()
                    + " to " + to);
        }
        long now = clock.nanos();
        Snapshot next = from.enter(to, now, clock.wallMillis(), reason);
        if (!current.compareAndSet(from, next)) {
            return false;
        }
        logTransition(from, next, reason, now);
        notifyListeners(from.state(), to, reason);
        return true;
    }

    private void logTransition(Snapshot from, Snapshot next, String reason, long now) {
        NodeState to = next.state();
        if (to == NodeState.MARKED_DOWN) {
            LOG.log(System.Logger.Level.WARNING, "memcached node {0} was marked down by an operator; "
                    + "its sessions go to the other nodes until it is marked up", node.describe());
        } else if (to == NodeState.DOWN && from.state() == NodeState.UP) {
            LOG.log(System.Logger.Level.WARNING, "memcached node {0} is down ({1}); its sessions are served by "
                    + "their other replicas, and the node is checked again every {2} ms",
                    node.describe(), reason, String.valueOf(retryIntervalNanos / 1_000_000L));
        } else if (to == NodeState.UP) {
            LOG.log(System.Logger.Level.INFO, "memcached node {0} is back up after {1} s; it takes its share of "
                    + "sessions again and stale copies on it are repaired when read",
                    node.describe(), String.format(java.util.Locale.ROOT, "%.1f", (now - next.wentDownNanos()) / 1e9));
        } else {
            LOG.log(System.Logger.Level.DEBUG, "memcached node {0}: {1} -> {2} ({3})",
                    node.describe(), from.state(), to, reason);
        }
    }

    private void notifyListeners(NodeState from, NodeState to, String reason) {
        for (TransitionListener listener : listeners) {
            try {
                listener.onTransition(this, from, to, reason);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a node health listener failed; the node''s state is unaffected", e);
            }
        }
    }

    private long millisSince(long nanos) {
        return (clock.nanos() - nanos) / 1_000_000L;
    }
}
