package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12.8: sticky sessions behind a load balancer that keeps stickiness with its own cookie, so the Tomcats
 * have no jvmRoute and a session keeps its id when it fails over and back. Real embedded Tomcats, three real
 * memcached nodes, N=2.
 */
class StickyWithoutRouteTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
    @RegisterExtension
    static final TomcatPair tomcats = TomcatPair.on(cluster).configuredBy(m -> {
        m.setRedundancy(2);
        m.setSticky(true);
        m.setOperationTimeout(300);
    });
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private final EmbeddedTomcat a = tomcats.a();
    private final EmbeddedTomcat b = tomcats.b();

    /** The load balancer takes the session back to the Tomcat it failed over from, a while later. */
    private static void failBackLater() throws InterruptedException {
        Thread.sleep(1_100); // past SessionReplicator.STICKY_RECHECK_IDLE_MILLIS
    }

    @Test
    void failingBackContinuesFromTheCopyTheOtherTomcatWrote() throws Exception {
        for (int session = 0; session < 5; session++) {
            SessionClient client = new SessionClient();
            for (int i = 1; i <= 3; i++) {
                assertEquals(String.valueOf(i), client.get(a, "/count"));
            }
            for (int i = 4; i <= 6; i++) {
                assertEquals(String.valueOf(i), client.get(b, "/count"), "failover to b");
            }
            failBackLater();
            assertEquals("7", client.get(a, "/count"), "fail-back to a served its older copy");
            assertEquals("8", client.get(a, "/count"));
        }
    }

    @Test
    void aSessionEndedOnTheOtherTomcatDoesNotServeAgainAfterFailingBack() throws Exception {
        SessionClient client = new SessionClient();
        assertEquals("1", client.get(a, "/count"));
        String id = client.sessionId();
        assertEquals("2", client.get(b, "/count"));
        assertEquals("invalidated", client.get(b, "/invalidate"));
        failBackLater();
        client.useSessionId(id);
        assertEquals("none", client.get(a, "/read"));
    }

    @Test
    void aStickyManagerWithoutJvmRouteSaysOnceAtStartWhatItCannotSee() throws Exception {
        try (EmbeddedTomcat started = EmbeddedTomcat.start(null, tomcats::configure)) {
            assertEquals(1, logs.count(Level.WARNING, "sticky=\"true\" without a jvmRoute"), logs.dump());
        }
        try (EmbeddedTomcat routed = EmbeddedTomcat.start("r", tomcats::configure)) {
            assertEquals(1, logs.count(Level.WARNING, "sticky=\"true\" without a jvmRoute"), logs.dump());
        }
    }

    /** Issue 14.2: a sticky request that only reads the session costs no memcached operation. */
    @Test
    void readOnlyRequestsCostNoMemcachedOperation() {
        SessionClient client = new SessionClient();
        assertEquals("1", client.get(a, "/count"));
        long before = operations();
        for (int i = 0; i < 50; i++) {
            assertEquals("1", client.get(a, "/read"));
        }
        long operations = operations() - before;
        // At most the heartbeat of an idle connection, one per node: never one per request.
        assertTrue(operations <= cluster.size(), operations + " memcached operations for 50 read-only sticky requests");
    }

    private static long operations() {
        long sum = 0;
        for (var node : cluster.nodes()) {
            var stats = node.stats();
            for (String counter : new String[] {"cmd_get", "cmd_set", "cmd_touch"}) {
                sum += Long.parseLong(stats.getOrDefault(counter, "0"));
            }
        }
        return sum;
    }
}
