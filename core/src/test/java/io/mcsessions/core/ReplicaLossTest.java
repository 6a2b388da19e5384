package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.rawRevision;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Invariant 7 (issue 12.3): after a node fails, every session written or read since holds N copies again, so a
 * second failure a moment later loses nothing acknowledged. The store does not know of the first failure until
 * the write or read meets it (the node dies while the store is idle).
 */
class ReplicaLossTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @Test
    void aWriteThatLosesAReplicaInFlightWritesTheCopyToTheNextNode() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), c -> {
            c.setRedundancy(2);
            c.setRetryInterval(10_000);
        });
        long first = Revisions.next(0);
        store.save(record("s", first));
        List<MemcachedNode> replicas = StoreFixture.replicasOf(cluster, store, "s");
        MemcachedNode spare = cluster.nodes().stream().filter(n -> !replicas.contains(n)).findFirst().orElseThrow();

        replicas.get(0).kill();
        long second = Revisions.next(first);
        assertEquals(SaveResult.Outcome.STORED, store.save(record("s", second)).outcome());
        await("the copy is written to the next node").atMost(Duration.ofSeconds(2))
                .until(() -> rawRevision(spare, "s"), is(second));

        replicas.get(1).kill();
        assertFound(store.load("s"), "s", second);
    }

    @Test
    void aReadThatMeetsAFailedReplicaRepairsOntoTheNextNode() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), c -> {
            c.setRedundancy(2);
            c.setRetryInterval(10_000);
        });
        long revision = Revisions.next(0);
        store.save(record("r", revision));
        List<MemcachedNode> replicas = StoreFixture.replicasOf(cluster, store, "r");
        MemcachedNode spare = cluster.nodes().stream().filter(n -> !replicas.contains(n)).findFirst().orElseThrow();

        replicas.get(0).kill();
        assertFound(store.load("r"), "r", revision);
        await("the copy is repaired onto the next node").atMost(Duration.ofSeconds(2))
                .until(() -> rawRevision(spare, "r"), is(revision));

        replicas.get(1).kill();
        assertFound(store.load("r"), "r", revision);
    }
}
