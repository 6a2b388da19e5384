package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.FaultProxy;
import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances; one reaches two of the three nodes late (what it sends them arrives 100 ms later: a slow link, a
 * busy node, well inside the operation timeout), the other reaches every node directly. What the first instance's
 * request was told is done must be what the other instance reads next, when the user's next request goes there:
 * the newest revision after a save, and no session after an invalidation (a logout must not be undone by the next
 * request reading a replica the tombstone has not reached yet).
 */
class LateReplicaWritesTest {
    private static final Duration LATE = Duration.ofMillis(100);

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private FaultProxy second;
    private FaultProxy third;

    @BeforeEach
    void startProxies() {
        second = FaultProxy.start(cluster.node(1).host(), cluster.node(1).port());
        third = FaultProxy.start(cluster.node(2).host(), cluster.node(2).port());
    }

    @AfterEach
    void stopProxies() {
        second.close();
        third.close();
    }

    /** The same node ids as the cluster's, the second and third node behind their proxies. */
    private String throughProxies() {
        return cluster.node(0).id() + ":" + cluster.node(0).address() + "," + cluster.node(1).id() + ":"
                + second.address() + "," + cluster.node(2).id() + ":" + third.address();
    }

    /** A session id whose two replicas are the second and third node (the ones reached late). */
    private static String idOnTheLateNodes(ReplicatedSessionStore store) {
        Set<String> late = Set.of(cluster.node(1).id(), cluster.node(2).id());
        for (int i = 0; ; i++) {
            String id = "late-" + i;
            Set<String> replicas = store.inspect(id).stream().filter(ReplicaInfo::preferred)
                    .map(r -> r.node().id()).collect(Collectors.toSet());
            if (replicas.equals(late)) {
                return id;
            }
        }
    }

    /** The two instances, and a session the direct one saved, whose replicas the slow one reaches late from now on. */
    private record Late(ReplicatedSessionStore direct, ReplicatedSessionStore slow, String id, long revision) {
    }

    private Late savedThenReachedLate() {
        ReplicatedSessionStore direct = stores.startInOtherJvm(cluster.nodesString(), c -> c.setRedundancy(2));
        ReplicatedSessionStore slow = stores.start(throughProxies(), 2);
        String id = idOnTheLateNodes(direct);
        long revision = Revisions.next(0);
        assertTrue(direct.save(StoreFixture.record(id, revision)).isStored());
        second.requestLatency(LATE);
        third.requestLatency(LATE);
        return new Late(direct, slow, id, revision);
    }

    @Test
    void aLogoutIsNotUndoneByTheNextRequestOnAnotherInstance() {
        Late late = savedThenReachedLate();

        SaveResult ended = late.slow().invalidate(late.id(), late.revision(), 1800);
        LoadResult next = late.direct().load(late.id());

        assertTrue(ended.isStored(), ended.toString());
        assertFalse(next.isFound(), "the session ended on one instance was loaded on the other: " + next);
    }

    @Test
    void theNextRequestOnAnotherInstanceReadsWhatWasSaved() {
        Late late = savedThenReachedLate();

        long newer = Revisions.next(late.revision());
        SaveResult saved = late.slow().save(StoreFixture.record(late.id(), newer));
        LoadResult next = late.direct().load(late.id());

        assertEquals(SaveResult.Outcome.STORED, saved.outcome(), saved.toString());
        StoreFixture.assertFound(next, late.id(), newer);
    }
}
