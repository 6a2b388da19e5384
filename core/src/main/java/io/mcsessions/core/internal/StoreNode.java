package io.mcsessions.core.internal;

import io.mcsessions.core.NodeAddress;

/**
 * A node as one store configured it (its id may differ from another store's for the same address), with the
 * JVM-wide node behind it.
 */
public record StoreNode(NodeAddress address, SharedNode shared) {
}
