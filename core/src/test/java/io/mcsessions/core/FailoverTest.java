package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.copiesBehind;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.statesOf;
import static io.mcsessions.core.StoreFixture.withTraffic;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.hasEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.core.StoreStats.Counter;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Invariant 1: with at most N-1 nodes failed, no operation fails and no acknowledged update is lost. */
class FailoverTest {
    private static final int SESSIONS = 1000;

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    enum Failure {
        KILL(MemcachedNode::kill), PAUSE(MemcachedNode::pause);

        final Consumer<MemcachedNode> inflict;

        Failure(Consumer<MemcachedNode> inflict) {
            this.inflict = inflict;
        }
    }

    @ParameterizedTest(name = "N=2, {1} node {0}")
    @CsvSource({"0, KILL", "1, KILL", "2, KILL", "0, PAUSE", "1, PAUSE", "2, PAUSE"})
    void redundancyTwoSurvivesAnyOneNode(int node, Failure failure) {
        roundsSurvive(2, List.of(node), failure);
    }

    @ParameterizedTest(name = "N=3, {2} nodes {0} and {1}")
    @CsvSource({"0, 1, KILL", "0, 2, KILL", "1, 2, KILL", "0, 1, PAUSE", "1, 2, PAUSE"})
    void redundancyThreeSurvivesAnyTwoNodes(int first, int second, Failure failure) {
        roundsSurvive(3, List.of(first, second), failure);
    }

    private void roundsSurvive(int redundancy, List<Integer> failing, Failure failure) {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), redundancy);
        Map<String, Long> acknowledged = new HashMap<>();
        for (int i = 0; i < SESSIONS; i++) {
            saveNext(store, "s" + i, acknowledged);
        }
        failing.forEach(index -> failure.inflict.accept(cluster.node(index)));
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < SESSIONS; i++) {
                String id = "s" + i;
                assertFound(store.load(id), id, acknowledged.get(id));
                saveNext(store, id, acknowledged);
            }
        }
        for (int i = 0; i < SESSIONS; i++) {
            assertFound(store.load("s" + i), "s" + i, acknowledged.get("s" + i));
        }
        assertEquals(0, store.stats().count(Counter.SAVE_DEGRADED), store.stats().toString());
    }

    @org.junit.jupiter.api.Test
    void aCopyWrittenWhileItsReplicasWereDownIsFoundAfterTheyReturnEmpty() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        cluster.node(0).kill();
        cluster.node(1).kill();
        await("n1 and n2 are down").atMost(Duration.ofSeconds(2)).until(withTraffic(store, () -> statesOf(store)),
                allOf(hasEntry("n1", NodeState.DOWN), hasEntry("n2", NodeState.DOWN)));
        Map<String, Long> acknowledged = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            saveNext(store, "lonely" + i, acknowledged); // only n3 takes them
        }
        cluster.node(0).restart();
        cluster.node(1).restart();
        await("n1 and n2 are back up").atMost(Duration.ofSeconds(10))
                .until(() -> statesOf(store), allOf(hasEntry("n1", NodeState.UP), hasEntry("n2", NodeState.UP)));
        acknowledged.forEach((id, revision) -> assertFound(store.load(id), id, revision));
        // Reads repair what they find behind; a read during which a returning node still failed leaves it to
        // the next read, so keep reading while waiting.
        await("the returned replicas are repaired").atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            acknowledged.forEach((id, revision) -> assertFound(store.load(id), id, revision));
            assertEquals(List.of(), copiesBehind(cluster, store, acknowledged), "copies behind");
        });
    }

    @org.junit.jupiter.api.Test
    void withFewerAnswersThanCopiesAMissIsUnavailableNotAbsent() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        long revision = Revisions.next(0);
        store.save(record("known", revision));
        cluster.node(0).kill();
        cluster.node(1).kill();
        await("n1 and n2 are down").atMost(Duration.ofSeconds(2)).until(withTraffic(store, () -> statesOf(store)),
                allOf(hasEntry("n1", NodeState.DOWN), hasEntry("n2", NodeState.DOWN)));
        // One node answering "nothing" cannot tell that a session is gone: its copies may be on the others.
        assertEquals(LoadResult.Outcome.UNAVAILABLE, store.load("never-stored").outcome());
    }

    private static void saveNext(ReplicatedSessionStore store, String id, Map<String, Long> acknowledged) {
        long revision = Revisions.next(acknowledged.getOrDefault(id, 0L));
        SaveResult result = store.save(record(id, revision));
        assertEquals(SaveResult.Outcome.STORED, result.outcome(), () -> id + ": " + result);
        acknowledged.put(id, revision);
    }
}
