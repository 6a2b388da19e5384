package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.statesOf;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.mcsessions.testing.MemcachedCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Invariant 9 (issues 12.5 and 12.6): what an instance kept while it saw no node is written back when it sees them
 * again, tombstones included, and never over a tombstone, and never past the session's own timeout.
 *
 * <p>"Sees no node" is a partition of that instance alone: an operator marks every node down in its JVM, while the
 * nodes, and another instance, go on.
 */
class WriteBackTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private static final List<String> NODES = List.of("n1", "n2", "n3");

    private ReplicatedSessionStore cutOff;
    private ReplicatedSessionStore other;

    private void startTwoInstances() {
        cutOff = stores.start(cluster.nodesString(), 2);
        other = stores.startInOtherJvm(cluster.nodesString(), c -> c.setRedundancy(2));
    }

    private void partition() {
        NODES.forEach(cutOff::markNodeDown);
        assertEquals(true, cutOff.isDegraded());
    }

    private void heal() {
        NODES.forEach(cutOff::markNodeUp);
        await("the cut-off instance sees the nodes again").atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertFalse(cutOff.isDegraded(), () -> "nodes " + statesOf(cutOff)));
        await("its write-back is done").atMost(Duration.ofSeconds(5))
                .until(() -> cutOff.stats().pendingWriteBacks(), is(0));
    }

    @Test
    void anInvalidationDuringAnOutageIsWrittenBackWhenTheNodesReturn() {
        startTwoInstances();
        long revision = Revisions.next(0);
        cutOff.save(record("logout", revision));
        partition();
        SaveResult ended = cutOff.invalidate("logout", revision, 1800);
        assertEquals(SaveResult.Outcome.DEGRADED, ended.outcome());
        assertEquals(LoadResult.Outcome.FOUND, other.load("logout").outcome(), "the nodes keep the live copy");

        heal();
        assertEquals(LoadResult.Outcome.ABSENT, other.load("logout").outcome(), "the logout was undone");
    }

    @Test
    void aCopyChangedDuringAnOutageIsNotWrittenBackOverATombstone() {
        startTwoInstances();
        long revision = Revisions.next(0);
        cutOff.save(record("ended-elsewhere", revision));
        partition();
        other.invalidate("ended-elsewhere", revision, 1800);
        long changed = Revisions.next(revision); // the cut-off instance serves and changes its local copy
        assertEquals(SaveResult.Outcome.DEGRADED, cutOff.save(record("ended-elsewhere", changed)).outcome());

        heal();
        assertEquals(LoadResult.Outcome.ABSENT, other.load("ended-elsewhere").outcome(), "resurrected");
    }

    @Test
    void aCopyKeptPastItsSessionTimeoutIsDroppedNotWrittenBack() throws InterruptedException {
        startTwoInstances();
        partition();
        long now = System.currentTimeMillis();
        SessionRecord shortLived = new SessionRecord("short", Revisions.next(0), now, now, 1,
                "idle".getBytes(StandardCharsets.UTF_8));
        assertEquals(SaveResult.Outcome.DEGRADED, cutOff.save(shortLived).outcome());
        Thread.sleep(1_500); // past its one-second timeout

        heal();
        assertEquals(LoadResult.Outcome.ABSENT, other.load("short").outcome(), "written back after its timeout");
    }
}
