package io.mcsessions.tomcat;

import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.LoadResult;
import io.mcsessions.core.ReplicaInfo;
import io.mcsessions.core.StoreStats;
import io.mcsessions.core.StoreStats.Counter;
import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.logging.Level;
import org.apache.catalina.Session;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sticky mode in real embedded Tomcats whose engines have the jvmRoutes {@code a} and {@code b}, as behind a load
 * balancer that routes by the route suffix of the session id; three real memcached nodes, N=2.
 */
class StickySessionTest {
    static final SessionEvents eventsOnA = new SessionEvents();
    static final SessionEvents eventsOnB = new SessionEvents();

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
    @RegisterExtension
    static final TomcatPair tomcats = TomcatPair.on(cluster).configuredBy(m -> {
        m.setRedundancy(2);
        m.setSticky(true);
        m.setOperationTimeout(300);
        m.setRetryInterval(200);
    }).jvmRoutes("a", "b").listeners(eventsOnA, eventsOnB);
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private EmbeddedTomcat a;
    private EmbeddedTomcat b;

    @BeforeEach
    void nodesUpAndNoEvents() {
        tomcats.nodesUp();
        a = tomcats.a();
        b = tomcats.b();
        eventsOnA.clear();
        eventsOnB.clear();
    }

    private static long loads(EmbeddedTomcat tomcat) {
        StoreStats stats = tomcat.manager().store().stats();
        return stats.count(Counter.LOAD_FOUND) + stats.count(Counter.LOAD_ABSENT)
                + stats.count(Counter.LOAD_UNAVAILABLE);
    }

    private static String base(String id) {
        return id.substring(0, id.lastIndexOf('.'));
    }

    @Test
    void localSessionIsAuthoritativeAndMemcachedHoldsACopy() {
        SessionClient client = new SessionClient();
        long loadsBefore = loads(a);
        for (int i = 1; i <= 3; i++) {
            assertEquals(String.valueOf(i), client.get(a, "/count"));
        }
        String id = client.sessionId();
        assertTrue(id.endsWith(".a"), id);
        assertEquals(loadsBefore, loads(a), "sticky mode asked memcached for a session this Tomcat holds");
        assertTrue(a.manager().store().load(id).isFound(), "memcached holds no copy");

        for (int i = 0; i < 3; i++) {
            cluster.node(i).flush(); // memcached loses everything: the local session is what counts
        }
        assertEquals("4", client.get(a, "/count"));
        assertEquals("5", client.get(a, "/count"));
        assertEquals(id, client.sessionId());
        assertTrue(a.manager().store().load(id).isFound(), "the changed session was not copied to memcached again");
    }

    @Test
    void requestArrivingAtAnotherTomcatLoadsTheSessionAndTakesThatTomcatsRoute() throws Exception {
        SessionClient client = new SessionClient();
        for (int i = 1; i <= 3; i++) {
            client.get(a, "/count");
        }
        String onA = client.sessionId();
        assertEquals("4", client.get(b, "/count"), "b did not load the session from memcached");
        String onB = client.sessionId();
        assertEquals(base(onA) + ".b", onB, "the session did not take b's route");
        assertEquals("5", client.get(b, "/count"));
        assertEquals("6", client.get(b, "/count"));
        assertNoLoadableCopy(onA);

        // a still holds its copy under the old id; when it idles out it is dropped, not ended: the session lives on b.
        Session left = a.manager().localSession(onA);
        left.setMaxInactiveInterval(1);
        await("the copy left on a is idle for longer than its 1 s").atMost(Duration.ofSeconds(5))
                .until(() -> System.currentTimeMillis() - left.getThisAccessedTimeInternal(), greaterThan(1100L));
        a.manager().processExpires();
        assertNull(a.manager().localSession(onA));
        assertEquals(0, eventsOnA.count("destroyed"), eventsOnA.events().toString());
        assertEquals(1, eventsOnA.count("created"));
        assertEquals(0, eventsOnB.count("created"), "a session loaded from memcached was announced as created");
        assertEquals(1, eventsOnB.count("idChanged"), "the route change is an id change on b");
        assertEquals("7", client.get(b, "/count"));
    }

    @Test
    void sessionThatMovesBackServesItsNewestDataNotTheCopyLeftBehind() {
        SessionClient client = new SessionClient();
        client.get(a, "/count");
        client.get(a, "/count");
        String onA = client.sessionId();
        assertEquals("3", client.get(b, "/count"));
        assertEquals("4", client.get(a, "/count"), "a served the copy it kept instead of b's newer session");
        assertEquals(onA, client.sessionId(), "back on a, the session takes a's route again");
        assertEquals("5", client.get(a, "/count"));
        assertNoLoadableCopy(base(onA) + ".b");
    }

    @Test
    void failoverWhenATomcatStopsLoadsTheSessionFromMemcached() throws Exception {
        SessionClient client = new SessionClient();
        try (EmbeddedTomcat c = EmbeddedTomcat.start("c", tomcats::configure)) {
            for (int i = 1; i <= 3; i++) {
                assertEquals(String.valueOf(i), client.get(c, "/count"));
            }
        } // c is gone; the load balancer sends the client to b
        assertEquals("4", client.get(b, "/count"));
        assertTrue(client.sessionId().endsWith(".b"), client.sessionId());
        assertEquals("5", client.get(b, "/count"));
    }

    @Test
    void degradedModeServesTheLocalCopyAndWritesItThroughWhenNodesReturn() {
        SessionClient client = new SessionClient();
        client.get(a, "/count");
        client.get(a, "/count");
        String id = client.sessionId();
        for (int i = 0; i < 3; i++) {
            cluster.node(i).kill();
        }
        for (int i = 3; i <= 6; i++) {
            assertEquals(String.valueOf(i), client.get(a, "/count"));
        }
        assertTrue(a.manager().store().isDegraded());
        for (int i = 0; i < 3; i++) {
            cluster.node(i).start(); // back, empty
        }
        a.nodesUp();
        // No request needed: the session changed during the outage is written through as the nodes return.
        await("the session kept during the outage reaches memcached").atMost(Duration.ofSeconds(10))
                .until(() -> b.manager().store().load(id).outcome(), is(LoadResult.Outcome.FOUND));
        assertEquals("7", client.get(b, "/count"), "b did not get the session as a left it");
        assertTrue(logs.count(Level.WARNING, "/app - no memcached node is reachable") >= 1, logs.dump());
        assertEquals(0, logs.count(Level.SEVERE, ""), logs.dump());
    }

    private void assertNoLoadableCopy(String id) {
        for (ReplicaInfo replica : a.manager().store().inspect(id)) {
            assertFalse(replica.holding() == ReplicaInfo.Holding.COPY, () -> "node " + replica.node().id()
                    + " still holds a copy under the old id: " + replica);
        }
        LoadResult result = b.manager().store().load(id);
        assertTrue(result.isAbsent(), result.toString());
    }
}
