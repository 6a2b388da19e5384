package io.mcsessions.core;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of a store, for JMX and status pages.
 *
 * @param store             the store's name
 * @param degraded          whether no node is up (sessions live only in the container)
 * @param counters          counters by name, e.g. {@code loadFound}, {@code saveUnderReplicated}, {@code repair}
 * @param nodes             every configured node
 * @param pendingWriteBacks sessions saved while degraded, to be written when a node returns
 */
public record StoreStats(String store, boolean degraded, Map<String, Long> counters, List<NodeStatus> nodes,
                         int pendingWriteBacks) {
}
