package io.mcsessions.boot;

import io.mcsessions.core.NodeState;
import io.mcsessions.core.NodeStatus;
import io.mcsessions.core.ReplicatedSessionStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the {@code mcsessions} health indicator reports, whatever Boot's health API: the same for Boot 3.5 and 4.0.
 *
 * <ul>
 * <li>{@code UP}: every node is up.</li>
 * <li>{@code DEGRADED}: some nodes are down (or marked down), at least one is up: every request is served and
 * sessions are kept on the nodes that are up. Boot's default aggregation ignores a status it does not know, so the
 * application as a whole stays {@code UP} and in its load balancer.</li>
 * <li>{@code DOWN}: no node answers. Requests are still served (each instance keeps its sessions until a node
 * returns), but sessions no longer move between instances.</li>
 * </ul>
 *
 * @param status  {@code UP}, {@code DEGRADED}, {@code DOWN}, or {@code UNKNOWN} while no store runs
 * @param details the store and each node: id, address, state, since when, last failure
 */
public record StoreHealth(String status, Map<String, Object> details) {
    /** The status code of a store with some nodes down and at least one up. */
    public static final String DEGRADED = "DEGRADED";

    /** The health of this application's store, or {@code UNKNOWN} while none is running. */
    public static StoreHealth of(ApplicationStore store) {
        return store.current().map(StoreHealth::of).orElseGet(() -> new StoreHealth("UNKNOWN",
                Map.of("reason", "the session store is not running (the web server has not started, or has stopped)")));
    }

    /** The health of a running store. */
    public static StoreHealth of(ReplicatedSessionStore store) {
        List<NodeStatus> nodes = store.nodes();
        long up = nodes.stream().filter(n -> n.state() == NodeState.UP).count();
        String status = up == nodes.size() ? "UP" : up == 0 ? "DOWN" : DEGRADED;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("store", store.name());
        details.put("nodesUp", up + " of " + nodes.size());
        details.put("redundancy", store.config().getRedundancy());
        if (up == 0) {
            details.put("impact", "no memcached node answers: each instance keeps its sessions in the container "
                    + "and writes them back when a node returns");
        } else if (up < nodes.size()) {
            details.put("impact", "sessions are served and written to the nodes that are up");
        }
        details.put("pendingWriteBacks", store.stats().pendingWriteBacks());
        Map<String, Object> byNode = new LinkedHashMap<>();
        for (NodeStatus node : nodes) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("address", node.node().address());
            detail.put("state", node.state().name());
            detail.put("since", Instant.ofEpochMilli(node.sinceMillis()).toString());
            if (node.lastFailure() != null) {
                detail.put("lastFailure", node.lastFailure());
            }
            byNode.put(node.node().id(), detail);
        }
        details.put("nodes", byNode);
        return new StoreHealth(status, details);
    }
}
