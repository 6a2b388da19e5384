package io.mcsessions.core.metrics;

import io.mcsessions.core.NodeState;
import io.mcsessions.core.NodeStatus;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.StoreEvent;
import io.mcsessions.core.StoreListener;
import io.mcsessions.core.StoreStats.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for one running {@link ReplicatedSessionStore}: what its JMX view shows, for a metrics backend.
 *
 * <pre>{@code
 * SessionStoreMetrics metrics = new SessionStoreMetrics(store);
 * metrics.bindTo(registry);
 * ...
 * metrics.close(); // when the store stops: removes its meters
 * }</pre>
 *
 * <p>Every meter carries the tag {@code store} (the store's name: the context path) and reads the store when the
 * registry asks, so binding costs the request path nothing. Node meters also carry {@code node} (the node's id);
 * their figures belong to the node, so stores in one JVM that name the same node show the same values.
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th></tr>
 * <tr><td>{@code mcsessions.loads}</td><td>counter</td><td>{@code outcome}: found, absent, unavailable</td></tr>
 * <tr><td>{@code mcsessions.saves}</td><td>counter</td><td>{@code outcome}: stored, degraded, rejected</td></tr>
 * <tr><td>{@code mcsessions.saves.under.replicated}</td><td>counter</td><td>(stored saves that reached fewer than
 * {@code redundancy} nodes)</td></tr>
 * <tr><td>{@code mcsessions.touches}, {@code mcsessions.invalidations}, {@code mcsessions.repairs}</td>
 * <td>counter</td><td></td></tr>
 * <tr><td>{@code mcsessions.values.ignored}</td><td>counter</td><td>{@code reason}: unreadable, signature</td></tr>
 * <tr><td>{@code mcsessions.locks}</td><td>counter</td><td>{@code outcome}: acquired, timeout</td></tr>
 * <tr><td>{@code mcsessions.writebacks}</td><td>counter</td><td>{@code outcome}: written, dropped</td></tr>
 * <tr><td>{@code mcsessions.writebacks.pending}</td><td>gauge</td><td>(sessions waiting to be written back)</td></tr>
 * <tr><td>{@code mcsessions.degraded}</td><td>gauge</td><td>(1 while no node is up)</td></tr>
 * <tr><td>{@code mcsessions.node.state}</td><td>gauge</td><td>{@code node}, {@code state}: up, down, probing,
 * marked_down (1 for the node's state, 0 for the others)</td></tr>
 * <tr><td>{@code mcsessions.node.operations}</td><td>function timer (seconds)</td><td>{@code node}</td></tr>
 * <tr><td>{@code mcsessions.node.failures}</td><td>counter</td><td>{@code node}, {@code kind}: error, timeout</td></tr>
 * </table>
 *
 * <p>Micrometer is an optional dependency of mcsessions-core: this class needs {@code micrometer-core} on the class
 * path, and nothing else in core does.
 */
public final class SessionStoreMetrics implements MeterBinder, AutoCloseable {

    /**
     * The meter that shows a store counter. A switch, not a table: a counter added to {@link Counter} does not
     * compile until it has its meter.
     */
    static CounterMeter meterOf(Counter counter) {
        return switch (counter) {
            case LOAD_FOUND -> new CounterMeter("mcsessions.loads", "sessions looked up", "outcome", "found");
            case LOAD_ABSENT -> new CounterMeter("mcsessions.loads", "sessions looked up", "outcome", "absent");
            case LOAD_UNAVAILABLE ->
                    new CounterMeter("mcsessions.loads", "sessions looked up", "outcome", "unavailable");
            case SAVE_STORED -> new CounterMeter("mcsessions.saves", "sessions written", "outcome", "stored");
            case SAVE_DEGRADED -> new CounterMeter("mcsessions.saves", "sessions written", "outcome", "degraded");
            case SAVE_REJECTED -> new CounterMeter("mcsessions.saves", "sessions written", "outcome", "rejected");
            case SAVE_UNDER_REPLICATED -> new CounterMeter("mcsessions.saves.under.replicated",
                    "stored saves that fewer than redundancy nodes acknowledged", null, null);
            case TOUCH -> new CounterMeter("mcsessions.touches", "expiry refreshes without a rewrite", null, null);
            case INVALIDATE -> new CounterMeter("mcsessions.invalidations", "sessions ended", null, null);
            case REPAIR -> new CounterMeter("mcsessions.repairs", "stale or missing copies rewritten after a read",
                    null, null);
            case UNREADABLE_VALUE -> new CounterMeter("mcsessions.values.ignored",
                    "values under a session key that were ignored", "reason", "unreadable");
            case SIGNATURE_REJECTED -> new CounterMeter("mcsessions.values.ignored",
                    "values under a session key that were ignored", "reason", "signature");
            case LOCK_ACQUIRED -> new CounterMeter("mcsessions.locks", "session locks", "outcome", "acquired");
            case LOCK_TIMEOUT -> new CounterMeter("mcsessions.locks", "session locks", "outcome", "timeout");
            case WRITE_BACK -> new CounterMeter("mcsessions.writebacks",
                    "sessions kept during an outage and written back after it", "outcome", "written");
            case WRITE_BACK_DROPPED -> new CounterMeter("mcsessions.writebacks",
                    "sessions kept during an outage and written back after it", "outcome", "dropped");
        };
    }

    /** One counter meter: its name, description and the one tag that sets it apart from its siblings, if any. */
    record CounterMeter(String name, String description, String tagKey, String tagValue) {
    }

    private final ReplicatedSessionStore store;
    private final Tags tags;
    private final List<Bound> bound = new ArrayList<>();

    /** The meters bound to one registry, and the nodes they cover (nodes added at run time get theirs then). */
    private record Bound(MeterRegistry registry, List<Meter> meters, Set<String> nodeIds) {
    }

    private final StoreListener nodeChanges = event -> {
        if (event.type() == StoreEvent.Type.NODES_CHANGED) {
            bindAddedNodes();
        }
    };

    /** Meters for {@code store}, tagged {@code store=<its name>}. */
    public SessionStoreMetrics(ReplicatedSessionStore store) {
        this(store, Tags.empty());
    }

    /** Meters for {@code store}, tagged {@code store=<its name>} and {@code extraTags} (e.g. the application). */
    public SessionStoreMetrics(ReplicatedSessionStore store, Iterable<Tag> extraTags) {
        this.store = Objects.requireNonNull(store, "store");
        this.tags = Tags.of(extraTags).and("store", store.name());
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        List<Meter> meters = new ArrayList<>();
        for (Counter counter : Counter.values()) {
            CounterMeter meter = meterOf(counter);
            meters.add(FunctionCounter.builder(meter.name(), store, s -> s.stats().count(counter))
                    .description(meter.description())
                    .tags(meter.tagKey() == null ? tags : tags.and(meter.tagKey(), meter.tagValue()))
                    .register(registry));
        }
        meters.add(Gauge.builder("mcsessions.writebacks.pending", store, s -> s.stats().pendingWriteBacks())
                .description("sessions saved while no node was up, waiting to be written back")
                .tags(tags).register(registry));
        meters.add(Gauge.builder("mcsessions.degraded", store, s -> s.isDegraded() ? 1 : 0)
                .description("1 while no memcached node is up and sessions live only in the container")
                .tags(tags).register(registry));
        Set<String> nodeIds = new HashSet<>();
        for (NodeStatus node : store.nodes()) {
            nodeIds.add(node.node().id());
            bindNode(registry, node.node().id(), meters);
        }
        synchronized (bound) {
            if (bound.isEmpty()) {
                store.addListener(nodeChanges);
            }
            bound.add(new Bound(registry, meters, nodeIds));
        }
        bindAddedNodes(); // a change between reading the nodes and listening
    }

    /** Meters for the nodes a node list change added (ReplicatedSessionStore#setMemcachedNodes). */
    private void bindAddedNodes() {
        synchronized (bound) {
            for (Bound b : bound) {
                for (NodeStatus node : store.nodes()) {
                    if (b.nodeIds().add(node.node().id())) {
                        bindNode(b.registry(), node.node().id(), b.meters());
                    }
                }
            }
        }
    }

    private void bindNode(MeterRegistry registry, String id, List<Meter> meters) {
        Tags nodeTags = tags.and("node", id);
        for (NodeState state : NodeState.values()) {
            meters.add(Gauge.builder("mcsessions.node.state", store,
                            s -> nodeValue(s, id, n -> n.state() == state ? 1 : 0))
                    .description("1 for the state the memcached node is in, 0 for the others")
                    .tags(nodeTags.and("state", state.name().toLowerCase(Locale.ROOT)))
                    .register(registry));
        }
        meters.add(FunctionTimer.builder("mcsessions.node.operations", store,
                        s -> (long) nodeValue(s, id, NodeStatus::completed),
                        s -> nodeValue(s, id, NodeStatus::completedNanos), TimeUnit.NANOSECONDS)
                .description("memcached operations completed (answered, failed or timed out) and their time")
                .tags(nodeTags).register(registry));
        meters.add(FunctionCounter.builder("mcsessions.node.failures", store,
                        s -> nodeValue(s, id, NodeStatus::failures))
                .description("memcached operations that failed").tags(nodeTags.and("kind", "error"))
                .register(registry));
        meters.add(FunctionCounter.builder("mcsessions.node.failures", store,
                        s -> nodeValue(s, id, NodeStatus::timeouts))
                .description("memcached operations that failed").tags(nodeTags.and("kind", "timeout"))
                .register(registry));
    }

    /**
     * One figure of the node with this id; 0 once the store no longer names it (a node list change removed it). Nodes
     * a change adds get their meters when the change is applied.
     */
    private static double nodeValue(ReplicatedSessionStore store, String id, ToDoubleFunction<NodeStatus> value) {
        for (NodeStatus node : store.nodes()) {
            if (node.node().id().equals(id)) {
                return value.applyAsDouble(node);
            }
        }
        return 0;
    }

    /** Removes the meters this binder registered from every registry it was bound to. */
    @Override
    public void close() {
        synchronized (bound) {
            for (Bound b : bound) {
                b.meters().forEach(b.registry()::remove);
            }
            bound.clear();
            store.removeListener(nodeChanges);
        }
    }
}
