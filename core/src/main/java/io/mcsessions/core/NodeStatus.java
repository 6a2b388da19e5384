package io.mcsessions.core;

import java.time.Instant;

/**
 * A snapshot of one node as a store sees it. The counters belong to the node, not to the store: every store in
 * the JVM that names the same address shares them.
 *
 * @param node           the configured node
 * @param state          its health
 * @param sinceMillis    epoch milliseconds of the last state change
 * @param lastFailure    the last failure seen, or null
 * @param operations     operations sent to the node
 * @param failures       operations that failed (unreachable, error)
 * @param timeouts       operations that took longer than {@code operationTimeout}
 * @param completed      operations that completed: answered, failed or timed out
 * @param completedNanos the total time of the {@code completed} operations, from send to completion, in
 *                       nanoseconds; {@code completedNanos / completed} is the mean latency
 */
public record NodeStatus(NodeAddress node, NodeState state, long sinceMillis, String lastFailure,
                         long operations, long failures, long timeouts, long completed, long completedNanos) {

    /** A snapshot without latency figures (both zero). */
    public NodeStatus(NodeAddress node, NodeState state, long sinceMillis, String lastFailure,
                      long operations, long failures, long timeouts) {
        this(node, state, sinceMillis, lastFailure, operations, failures, timeouts, 0, 0);
    }

    /**
     * One line for JMX and status pages, the same in every adapter, e.g.
     * {@code n1 (10.0.0.1:11211): UP since 2026-12-03T10:15:30Z, 1200 operations, 3 failures, 1 timeouts}, then the last
     * failure when there was one.
     */
    public String describe() {
        return node.describe() + ": " + state + " since " + Instant.ofEpochMilli(sinceMillis) + ", "
                + operations + " operations, " + failures + " failures, " + timeouts + " timeouts"
                + (lastFailure == null ? "" : ", last failure: " + lastFailure);
    }
}
