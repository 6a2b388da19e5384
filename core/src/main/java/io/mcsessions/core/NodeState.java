package io.mcsessions.core;

/** Health of one memcached node, shared by every store in the JVM that names it. */
public enum NodeState {
    /** Answering; takes its share of sessions. */
    UP,
    /** Failed; left alone until {@code retryInterval} has passed, then probed once. */
    DOWN,
    /** One probe is checking whether the node is back. */
    PROBING,
    /** Taken out of service by an operator; stays out until marked up. */
    MARKED_DOWN
}
