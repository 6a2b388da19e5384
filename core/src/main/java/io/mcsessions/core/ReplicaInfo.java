package io.mcsessions.core;

/**
 * What one node holds under a session's key, for status pages and operators.
 *
 * @param node      the node
 * @param state     the node's health
 * @param preferred whether the node is among the session's replicas right now
 * @param holding   what the node answered
 * @param revision  the revision it holds, or -1
 */
public record ReplicaInfo(NodeAddress node, NodeState state, boolean preferred, Holding holding, long revision) {

    /** What a node answered for the key. */
    public enum Holding {
        /** A live copy. */
        COPY,
        /** An invalidation marker. */
        TOMBSTONE,
        /** Nothing. */
        NOTHING,
        /** A value that is not ours or is damaged. */
        UNREADABLE,
        /** The node did not answer. */
        NO_ANSWER
    }
}
