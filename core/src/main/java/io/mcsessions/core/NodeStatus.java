package io.mcsessions.core;

/**
 * A snapshot of one node as a store sees it.
 *
 * @param node        the configured node
 * @param state       its health
 * @param sinceMillis epoch milliseconds of the last state change
 * @param lastFailure the last failure seen, or null
 * @param operations  operations sent to the node
 * @param failures    operations that failed (unreachable, error)
 * @param timeouts    operations that took longer than {@code operationTimeout}
 */
public record NodeStatus(NodeAddress node, NodeState state, long sinceMillis, String lastFailure,
                         long operations, long failures, long timeouts) {
}
