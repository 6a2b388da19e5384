package io.mcsessions.boot;

import io.mcsessions.core.NodeStatus;
import io.mcsessions.core.ReplicatedSessionStore;
import java.util.List;

/**
 * The memcached nodes of this application's session store, and a way to change them while it runs: a new list is
 * applied at once, without a restart and without losing sessions (see
 * {@link ReplicatedSessionStore#setMemcachedNodes}). The starter offers it three ways: this bean, the
 * {@code mcsessions} Actuator endpoint ({@code POST /actuator/mcsessions} with
 * {@code {"memcachedNodes": "n1:host1:11211,n2:host2:11211"}}, once exposed), and, with Spring Cloud, a refresh
 * that changes {@code mcsessions.memcached-nodes}.
 */
public class McsessionsNodes {
    private final ApplicationStore store;

    public McsessionsNodes(ApplicationStore store) {
        this.store = store;
    }

    /** The node list in use, {@code n1:host1:11211,n2:host2:11211}; empty while the web server is not running. */
    public String current() {
        return store.current().map(ReplicatedSessionStore::memcachedNodes).orElse("");
    }

    /** One line per node in use, as JMX shows it: id, address, state, since when, counters, last failure. */
    public List<String> states() {
        return store.current().map(s -> describe(s.nodes())).orElse(List.of());
    }

    /** One line per node a change removed that is still read until the change completes. */
    public List<String> retiring() {
        return store.current().map(s -> describe(s.retiringNodes())).orElse(List.of());
    }

    private static List<String> describe(List<NodeStatus> nodes) {
        return nodes.stream().map(NodeStatus::describe).toList();
    }

    /**
     * Applies a new node list to the running store; the same list as now changes nothing.
     *
     * @throws IllegalArgumentException when the list is invalid (the message names the rule and the value); the
     *                                  store goes on with its nodes
     * @throws IllegalStateException    when the web server, and with it the store, is not running
     */
    public void apply(String memcachedNodes) {
        ReplicatedSessionStore running = store.current().orElseThrow(() -> new IllegalStateException(
                "mcsessions - the session store is not running (it starts with the web server), so the memcached "
                        + "nodes cannot be changed now"));
        running.changeMemcachedNodes(memcachedNodes);
    }
}
