package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.statesOf;
import static io.mcsessions.core.StoreFixture.withTraffic;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.time.Duration;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Invariant 8 (issue 12.1 and 12.2): a node that restarted is used again within {@code retryInterval} plus one
 * probe, by busy and idle instances alike; a connection found dead on first use is not by itself a down node.
 */
class ReconnectTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    @Test
    void aConnectionFoundDeadOnFirstUseIsDialledAgainAndTheOperationRetried() {
        // A long retry interval: nothing looks at the idle connection while the node restarts.
        ReplicatedSessionStore store = stores.start("n1:" + cluster.node(0).address(), c -> {
            c.setRedundancy(1);
            c.setRetryInterval(10_000);
        });
        long revision = Revisions.next(0);
        assertEquals(SaveResult.Outcome.STORED, store.save(record("before", revision)).outcome());

        cluster.node(0).restart(); // empty, on the same port; the store's connection to it is dead now

        long next = Revisions.next(0);
        assertEquals(SaveResult.Outcome.STORED, store.save(record("after", next)).outcome(),
                () -> store.stats().toString());
        assertFound(store.load("after"), "after", next);
        assertEquals(NodeState.UP, StoreFixture.stateOf(store, "n1"));
        assertEquals(0, logs.count(Level.WARNING, "is down"), logs.dump());
        assertFalse(store.isDegraded());
    }

    @Test
    void anInstanceThatWasIdleWhileEveryNodeRestartedServesItsFirstRequestFromMemcached() {
        ReplicatedSessionStore busy = stores.start(cluster.nodesString(), 2);
        ReplicatedSessionStore idle = stores.startInOtherJvm(cluster.nodesString(), c -> c.setRedundancy(2));
        long revision = Revisions.next(0);
        busy.save(record("known", revision));
        assertFound(idle.load("known"), "known", revision); // the idle instance has used its connections

        cluster.killAll();
        await("the busy instance is degraded").atMost(Duration.ofSeconds(5))
                .until(withTraffic(busy, busy::isDegraded), is(true));
        cluster.nodes().forEach(MemcachedNode::start); // back, empty
        await("the busy instance sees every node up").atMost(Duration.ofSeconds(10))
                .until(withTraffic(busy, () -> statesOf(busy).values()), everyItem(is(NodeState.UP)));
        sleep(StoreFixture.RETRY_MS * 3); // past the retry interval, as users come back some time later

        long created = Revisions.next(0);
        assertEquals(SaveResult.Outcome.STORED, busy.save(record("created", created)).outcome());
        assertFound(idle.load("created"), "created", created);
        assertFalse(idle.isDegraded());
        busy.invalidate("created", created, 1800);
        assertTrue(idle.load("created").isAbsent(), "the idle instance still loads a session ended elsewhere");
    }

    /**
     * The client library reconnects on its own schedule: after the loss, then at most every
     * {@code maxReconnectDelay} (whole seconds, here 1 s). A node that restarts just after one of its attempts would
     * wait almost a second for the next; the probe, due every retry interval, dials the node itself.
     */
    @Test
    void aRestartedNodeIsUsedAgainWithinTheRetryIntervalPlusOneProbeWhateverTheLibrarysSchedule() {
        long retry = 300;
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), c -> {
            c.setRedundancy(2);
            c.setRetryInterval(retry);
        });
        MemcachedNode node = cluster.node(0);
        node.kill();
        long killed = System.nanoTime();
        await("n1 is down").atMost(Duration.ofSeconds(5))
                .until(withTraffic(store, () -> StoreFixture.stateOf(store, "n1")), is(NodeState.DOWN));
        sleepUntil(killed + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1_150)); // just after its 1 s attempt
        node.start();
        long restarted = System.nanoTime();
        await("n1 is up").atMost(Duration.ofSeconds(10))
                .until(withTraffic(store, () -> StoreFixture.stateOf(store, "n1")), is(NodeState.UP));
        long millis = (System.nanoTime() - restarted) / 1_000_000;
        assertTrue(millis <= retry + StoreFixture.TIMEOUT_MS + 150, "n1 came back " + millis + " ms after its restart"
                + " (retryInterval " + retry + " ms)");
    }

    private static void sleepUntil(long nanos) {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            sleep(left / 1_000_000);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
