package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.stateOf;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.mcsessions.testing.FaultProxy;
import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Faults a process cannot show, through a TCP proxy in front of one of three nodes. */
class ProxyFaultsTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private FaultProxy proxy;

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.start(cluster.node(2).host(), cluster.node(2).port());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    enum Fault {
        RESET_CONNECTIONS(FaultProxy::resetConnections),
        RESET_MID_RESPONSE(FaultProxy::resetMidResponse),
        GARBAGE(FaultProxy::garbage),
        BLACKHOLE(FaultProxy::blackhole),
        LATENCY_OVER_TIMEOUT(p -> p.latency(Duration.ofMillis(StoreFixture.TIMEOUT_MS * 3))),
        REFUSE(FaultProxy::refuse);

        final Consumer<FaultProxy> inflict;

        Fault(Consumer<FaultProxy> inflict) {
            this.inflict = inflict;
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aFaultyNodeBehindTheProxyFailsNoOperation(Fault fault) {
        String nodes = "n1:" + cluster.node(0).address() + ",n2:" + cluster.node(1).address() + ",n3:" + proxy.address();
        ReplicatedSessionStore store = stores.start(nodes, 2);
        Map<String, Long> acknowledged = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            long revision = Revisions.next(0);
            store.save(record("s" + i, revision));
            acknowledged.put("s" + i, revision);
        }
        fault.inflict.accept(proxy);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 200; i++) {
                String id = "s" + i;
                assertFound(store.load(id), id, acknowledged.get(id));
                long revision = Revisions.next(acknowledged.get(id));
                assertEquals(SaveResult.Outcome.STORED, store.save(record(id, revision)).outcome());
                acknowledged.put(id, revision);
            }
        }
        if (fault != Fault.RESET_CONNECTIONS && fault != Fault.RESET_MID_RESPONSE) {
            // DOWN, or PROBING when a reconnect made the next probe due at once: either way out of use.
            assertNotEquals(NodeState.UP, stateOf(store, "n3"), "a node that keeps failing is taken out");
        }
        proxy.accept();
        proxy.passThrough();
        await("n3 is back up").atMost(Duration.ofSeconds(10)).until(() -> stateOf(store, "n3"), is(NodeState.UP));
        acknowledged.forEach((id, revision) -> assertFound(store.load(id), id, revision));
    }
}
