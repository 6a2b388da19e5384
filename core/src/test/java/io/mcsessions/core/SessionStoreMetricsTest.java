package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.stateOf;
import static io.mcsessions.core.StoreFixture.withTraffic;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.StoreStats.Counter;
import io.mcsessions.core.metrics.SessionStoreMetrics;
import io.mcsessions.testing.MemcachedCluster;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Micrometer meters show what the store counts, per node latency included, and go away with the store. */
class SessionStoreMetricsTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void countersShowLoadsAndSavesByOutcomeAndNodesTheirOperationTime() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        new SessionStoreMetrics(store).bindTo(registry);

        store.save(record("s1", Revisions.next(0)));
        store.load("s1");
        store.load("nobody");
        store.load("nobody-either");

        assertEquals(1, counter("mcsessions.loads", "outcome", "found"));
        assertEquals(2, counter("mcsessions.loads", "outcome", "absent"));
        assertEquals(1, counter("mcsessions.saves", "outcome", "stored"));
        assertEquals(0, counter("mcsessions.saves.under.replicated", "store", "/test"));
        assertEquals(0, registry.get("mcsessions.degraded").gauge().value());
        assertEquals(0, registry.get("mcsessions.writebacks.pending").gauge().value());
        long operations = 0;
        for (NodeStatus node : store.nodes()) {
            FunctionTimer timer = registry.get("mcsessions.node.operations").tag("node", node.node().id())
                    .functionTimer();
            assertEquals(node.completed(), (long) timer.count(), node.node().id());
            assertTrue(node.completed() == 0 || timer.totalTime(TimeUnit.NANOSECONDS) > 0, node.node().id());
            assertEquals(1, registry.get("mcsessions.node.state").tag("node", node.node().id()).tag("state", "up")
                    .gauge().value());
            operations += node.completed();
        }
        // a save to two replicas, and three loads that asked at least one node each
        assertTrue(operations >= 5, "operations timed: " + operations);
    }

    @Test
    void aNodeAddedAtRunTimeGetsItsMeters() {
        ReplicatedSessionStore store = stores.start(cluster.node(0).id() + ":" + cluster.node(0).address() + ","
                + cluster.node(1).id() + ":" + cluster.node(1).address(), 2);
        new SessionStoreMetrics(store).bindTo(registry);
        assertTrue(registry.find("mcsessions.node.state").tag("node", "n3").gauges().isEmpty());

        store.setMemcachedNodes(cluster.nodesString());

        assertEquals(1, registry.get("mcsessions.node.state").tag("node", "n3").tag("state", "up").gauge().value());
        store.save(record("s1", Revisions.next(0)));
        assertEquals(store.nodes().get(2).completed(),
                (long) registry.get("mcsessions.node.operations").tag("node", "n3").functionTimer().count());
    }

    @Test
    void aKilledNodeShowsDownAndEveryStoreCounterHasAMeter() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        new SessionStoreMetrics(store).bindTo(registry);

        cluster.node(0).kill();
        await("n1 is down").atMost(Duration.ofSeconds(5))
                .until(withTraffic(store, () -> stateOf(store, "n1")), not(NodeState.UP));

        assertEquals(0, registry.get("mcsessions.node.state").tag("node", "n1").tag("state", "up").gauge().value());
        assertEquals(1, registry.get("mcsessions.node.state").tag("node", "n2").tag("state", "up").gauge().value());
        long storeCounters = registry.getMeters().stream().filter(m -> m instanceof FunctionCounter)
                .filter(m -> m.getId().getTag("node") == null).count();
        assertEquals(Counter.values().length, storeCounters,
                "one meter per store counter: " + store.stats().counters().keySet());
    }

    @Test
    void closingTheBinderRemovesItsMeters() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        SessionStoreMetrics metrics = new SessionStoreMetrics(store);
        metrics.bindTo(registry);
        assertTrue(registry.getMeters().size() > 20, "meters: " + registry.getMeters().size());

        metrics.close();

        assertEquals(0, registry.getMeters().stream().map(Meter::getId).filter(id -> id.getName()
                .startsWith("mcsessions.")).count());
    }

    private double counter(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).tag("store", "/test").functionCounter().count();
    }
}
