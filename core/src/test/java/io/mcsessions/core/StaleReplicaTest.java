package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.copiesBehind;
import static io.mcsessions.core.StoreFixture.nodeOf;
import static io.mcsessions.core.StoreFixture.rawRevision;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.replicasOf;
import static io.mcsessions.core.StoreFixture.stateOf;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.StoreStats.Counter;
import io.mcsessions.core.internal.SessionEnvelope;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Invariants 2 and 3: a node that returns with old data never causes a stale read, and an invalidated session
 * never loads again, whichever replica missed the tombstone.
 */
class StaleReplicaTest {
    private static final int SESSIONS = 300;

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @Test
    void aResumedNodeWithOldRevisionsNeverServesThemAndIsRepaired() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        Map<String, Long> newest = new HashMap<>();
        for (int i = 0; i < SESSIONS; i++) {
            long revision = Revisions.next(0);
            store.save(record("s" + i, revision));
            newest.put("s" + i, revision);
        }
        MemcachedNode paused = cluster.node(0);
        List<String> onPausedNode = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            if (rawRevision(paused, "s" + i) > 0) {
                onPausedNode.add("s" + i);
            }
        }
        assertTrue(onPausedNode.size() > SESSIONS / 3, "the paused node held " + onPausedNode.size() + " sessions");

        paused.pause();
        // A read finds the node hung and takes it out; writes queued to it before that would still land on
        // resume, so the newer revisions below must come after it.
        store.load(onPausedNode.get(0));
        await("n1 is down").atMost(Duration.ofSeconds(2)).until(() -> stateOf(store, "n1"), is(NodeState.DOWN));
        for (String id : newest.keySet()) {
            long revision = Revisions.next(newest.get(id));
            assertEquals(SaveResult.Outcome.STORED, store.save(record(id, revision)).outcome());
            newest.put(id, revision);
        }
        paused.resume();
        await("n1 is back up").atMost(Duration.ofSeconds(5)).until(() -> stateOf(store, "n1"), is(NodeState.UP));
        assertTrue(onPausedNode.stream().anyMatch(id -> rawRevision(paused, id) < newest.get(id)),
                "the resumed node still holds old revisions before they are read");

        for (String id : newest.keySet()) {
            assertFound(store.load(id), id, newest.get(id));
        }
        await("every replica holds the newest revision").atMost(Duration.ofSeconds(5))
                .until(() -> copiesBehind(cluster, store, newest), empty());
        assertTrue(store.stats().count(Counter.REPAIR) > 0);
    }

    /**
     * Two failures in a row, the replicas back one after the other: the copy written while both were away lives
     * only on the node that stood in for them, and each returning replica holds an older one. Without reading
     * past a replica that came back recently, the load returned the second replica's older copy.
     */
    @Test
    void replicasBackOneAfterTheOtherNeverHideTheCopyWrittenWhileBothWereAway() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        String id = "staggered";
        long first = Revisions.next(0);
        store.save(record(id, first));
        List<NodeAddress> replicas = store.inspect(id).stream().filter(ReplicaInfo::preferred)
                .map(ReplicaInfo::node).toList();
        String a = replicas.get(0).id();
        String b = replicas.get(1).id();

        store.markNodeDown(a);
        long second = Revisions.next(first);
        assertEquals(SaveResult.Outcome.STORED, store.save(record(id, second)).outcome());
        store.markNodeDown(b);
        long third = Revisions.next(second);
        assertEquals(SaveResult.Outcome.STORED, store.save(record(id, third)).outcome());
        store.markNodeUp(a);
        await(a + " is back up").atMost(Duration.ofSeconds(2)).until(() -> stateOf(store, a), is(NodeState.UP));
        store.markNodeUp(b);
        await(b + " is back up").atMost(Duration.ofSeconds(2)).until(() -> stateOf(store, b), is(NodeState.UP));

        assertFound(store.load(id), id, third);
        for (NodeAddress replica : replicas) {
            MemcachedNode node = nodeOf(cluster, replica);
            await(replica.id() + " repaired").atMost(Duration.ofSeconds(2))
                    .until(() -> rawRevision(node, id), is(third));
        }
    }

    @Test
    void inASteadyStateALoadAsksOnlyTheReplicas() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        String id = "steady";
        long revision = Revisions.next(0);
        store.save(record(id, revision));
        MemcachedNode other = cluster.nodes().stream()
                .filter(node -> !replicasOf(cluster, store, id).contains(node)).findFirst().orElseThrow();
        long getsBefore = Long.parseLong(other.stats().get("cmd_get"));

        for (int i = 0; i < 20; i++) {
            assertFound(store.load(id), id, revision);
        }

        assertEquals(getsBefore, Long.parseLong(other.stats().get("cmd_get")), "reads sent to the third node");
    }

    @Test
    void aSessionInvalidatedWhileAReplicaWasPausedNeverLoadsAgain() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        String id = "doomed";
        long revision = Revisions.next(0);
        store.save(record(id, revision));
        List<MemcachedNode> replicas = replicasOf(cluster, store, id);
        MemcachedNode missesTheDelete = replicas.get(0);
        String missingId = "n" + (cluster.nodes().indexOf(missesTheDelete) + 1);

        missesTheDelete.pause();
        // A read finds the node hung and takes it out, so the tombstone cannot reach it.
        assertFound(store.load(id), id, revision);
        await(missingId + " is down").atMost(Duration.ofSeconds(2))
                .until(() -> stateOf(store, missingId), is(NodeState.DOWN));
        assertEquals(SaveResult.Outcome.STORED, store.invalidate(id, revision, 1800).outcome());
        assertEquals(LoadResult.Outcome.ABSENT, store.load(id).outcome());

        missesTheDelete.resume();
        await(missingId + " is back up").atMost(Duration.ofSeconds(5))
                .until(() -> stateOf(store, missingId), is(NodeState.UP));
        assertEquals(revision, rawRevision(missesTheDelete, id), "the resumed node still holds the old copy");
        for (int i = 0; i < 50; i++) {
            assertEquals(LoadResult.Outcome.ABSENT, store.load(id).outcome());
        }
        await("the stale copy is replaced by the tombstone").atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertTrue(isTombstone(missesTheDelete.get("t:" + id)),
                        () -> missingId + " holds revision " + rawRevision(missesTheDelete, id)));

        // Even with the other replica gone, the session stays gone.
        replicas.get(1).kill();
        for (int i = 0; i < 50; i++) {
            assertEquals(LoadResult.Outcome.ABSENT, store.load(id).outcome());
        }
    }

    @Test
    void aSessionCreatedAgainUnderAnInvalidatedIdIsNewerThanItsTombstone() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        long first = Revisions.next(0);
        store.save(record("reused", first));
        store.invalidate("reused", first, 1800);
        assertEquals(LoadResult.Outcome.ABSENT, store.load("reused").outcome());
        long again = Revisions.next(0);
        store.save(record("reused", again));
        assertFound(store.load("reused"), "reused", again);
    }

    private static boolean isTombstone(byte[] value) {
        try {
            return value != null && SessionEnvelope.decode(value).isTombstone();
        } catch (SessionEnvelope.MalformedEnvelopeException e) {
            return false;
        }
    }

    /**
     * Issue 12.9: an instance that holds no copy (Jetty with maxLocalCopies=0) ends a session with its context's
     * default timeout; the tombstone must outlive the copy it shadows, and outrank it, whoever wrote it.
     */
    @Test
    void aTombstoneOutlivesAndOutranksTheCopyItEndsThoughTheCallerKnewNeither() throws Exception {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        long now = System.currentTimeMillis();
        long written = Revisions.next(Revisions.next(0)); // by another instance, above what the caller knows
        store.save(new SessionRecord("long-lived", written, now, now, 3600, StoreFixture.payload(written)));

        assertEquals(SaveResult.Outcome.STORED, store.invalidate("long-lived", 0, 60).outcome());

        for (MemcachedNode node : replicasOf(cluster, store, "long-lived")) {
            SessionEnvelope tombstone = SessionEnvelope.decode(node.get(StoreFixture.PREFIX + "long-lived"));
            assertTrue(tombstone.isTombstone());
            assertTrue(tombstone.revision() > written, "the tombstone is below the copy it ends");
            assertTrue(tombstone.maxInactiveSeconds() >= 3600, "the tombstone lives " + tombstone.maxInactiveSeconds()
                    + " s, the copy it shadows 3600 s");
        }
        assertEquals(LoadResult.Outcome.ABSENT, store.load("long-lived").outcome());
        assertTrue(store.load("long-lived").isEnded());
    }
}
