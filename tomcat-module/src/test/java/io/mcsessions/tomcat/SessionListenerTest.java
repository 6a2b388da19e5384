package io.mcsessions.tomcat;

import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.greaterThan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.catalina.Session;
import org.apache.catalina.session.ManagerBase;
import org.apache.catalina.session.StandardManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HttpSession listeners and Tomcat's session statistics: one scenario run on a Tomcat with Tomcat's own
 * {@link StandardManager} and on one with {@link MemcachedSessionManager} gives the same events and statistics;
 * across two Tomcats sharing sessions every event fires once, where it happens.
 */
class SessionListenerTest {
    private static final String PREFIX = "mcs:localhost/app:";

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    private static void configure(MemcachedSessionManager m) {
        m.setMemcachedNodes(cluster.nodesString());
        m.setOperationTimeout(300);
    }

    @Test
    void listenersAndStatisticsMatchStandardManager() throws Exception {
        SessionEvents standardEvents = new SessionEvents();
        SessionEvents memcachedEvents = new SessionEvents();
        StandardManager standard = new StandardManager();
        standard.setPathname(null); // nothing persisted across tests
        try (EmbeddedTomcat reference = EmbeddedTomcat.with().manager(standard).listeners(standardEvents).start();
             EmbeddedTomcat ours = EmbeddedTomcat.with().memcached(SessionListenerTest::configure)
                     .listeners(memcachedEvents).start()) {
            scenario(reference);
            scenario(ours);
            assertEquals(standardEvents.events(), memcachedEvents.events());
            assertEquals(List.of("created", "added a=1", "replaced a=1", "added b=x", "removed b=x", "idChanged",
                    "destroyed", "removed a=2", "created", "added c=3", "destroyed", "removed c=3", "created",
                    "added d=4", "destroyed", "removed d=4"), memcachedEvents.events());
            assertEquals(counters(reference.baseManager()), counters(ours.baseManager()));
            assertEquals(3, ours.baseManager().getSessionCounter());
            assertEquals(3, ours.baseManager().getExpiredSessions());
            assertEquals(0, ours.baseManager().getActiveSessions());
            assertEquals(1, ours.baseManager().getMaxActive());
            assertAbout(reference.baseManager().getSessionMaxAliveTime(), ours.baseManager().getSessionMaxAliveTime());
            assertAbout(reference.baseManager().getSessionAverageAliveTime(),
                    ours.baseManager().getSessionAverageAliveTime());
            assertTrue(ours.baseManager().getSessionCreateRate() > 0);
            assertTrue(ours.baseManager().getSessionExpireRate() > 0);
        }
    }

    /** A session's life: attributes, id change, invalidation; then one expiring in the background, one on a request. */
    private static void scenario(EmbeddedTomcat tomcat) {
        SessionClient first = new SessionClient();
        first.get(tomcat, "/set?name=a&value=1");
        first.get(tomcat, "/set?name=a&value=2");
        first.get(tomcat, "/set?name=b&value=x");
        first.get(tomcat, "/remove?name=b");
        first.get(tomcat, "/rotate");
        first.get(tomcat, "/read");
        first.get(tomcat, "/invalidate");

        SessionClient second = new SessionClient();
        second.get(tomcat, "/set?name=c&value=3");
        second.get(tomcat, "/timeout?s=1");
        awaitTimedOut(tomcat, second.sessionId());
        tomcat.baseManager().processExpires();

        SessionClient third = new SessionClient();
        third.get(tomcat, "/set?name=d&value=4");
        third.get(tomcat, "/timeout?s=1");
        awaitTimedOut(tomcat, third.sessionId());
        assertEquals("none", third.get(tomcat, "/read"), "a timed-out session was served");
    }

    /** Waits until the local session is idle beyond its 1 s timeout and memcached no longer holds it live. */
    private static void awaitTimedOut(EmbeddedTomcat tomcat, String id) {
        Session local = local(tomcat.baseManager(), id);
        await("session " + id + " times out").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertTrue(idleMillis(local) > 1100, () -> "idle for " + idleMillis(local) + " ms of its 1 s");
            if (tomcat.baseManager() instanceof MemcachedSessionManager ours) {
                assertFalse(ours.store().load(id).isFound(), "memcached still holds it");
            }
        });
    }

    private static long idleMillis(Session session) {
        return System.currentTimeMillis() - session.getThisAccessedTimeInternal();
    }

    private static Session local(ManagerBase manager, String id) {
        return Arrays.stream(manager.findSessions()).filter(s -> s.getIdInternal().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no local session " + id));
    }

    private static Map<String, Long> counters(ManagerBase manager) {
        Map<String, Long> counters = new TreeMap<>();
        counters.put("activeSessions", (long) manager.getActiveSessions());
        counters.put("sessionCounter", manager.getSessionCounter());
        counters.put("expiredSessions", manager.getExpiredSessions());
        counters.put("maxActive", (long) manager.getMaxActive());
        counters.put("rejectedSessions", (long) manager.getRejectedSessions());
        return counters;
    }

    /** Alive times are whole seconds measured on each run's own clock: they may differ by one. */
    private static void assertAbout(int expected, int actual) {
        assertTrue(Math.abs(expected - actual) <= 1, "expected about " + expected + " s but was " + actual + " s");
    }

    @Test
    void copyTimedOutHereButStillInMemcachedIsKeptForTheNextCheckThenDroppedQuietly() throws Exception {
        SessionEvents events = new SessionEvents();
        try (EmbeddedTomcat a = EmbeddedTomcat.start(null, SessionListenerTest::configure, events)) {
            SessionClient client = new SessionClient();
            client.get(a, "/set?name=c&value=3");
            client.get(a, "/timeout?s=1");
            String id = client.sessionId();
            Session local = local(a.baseManager(), id);
            await("the local copy is idle beyond its 1 s").atMost(Duration.ofSeconds(5))
                    .until(() -> idleMillis(local), greaterThan(1100L));
            // Memcached still holds the copy: another Tomcat's read used the session just now.
            assertTrue(a.manager().store().touch(id, 1));
            a.baseManager().processExpires();
            long idle = System.currentTimeMillis() - local.getThisAccessedTimeInternal();
            assumeTrue(idle < 3000, "the machine was too slow to check within the 2 s slack (idle " + idle + " ms)");
            assertEquals(1, a.baseManager().getActiveSessions(), "dropped while memcached may just be late");
            await("the local copy is idle beyond the 2 s slack too").atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertTrue(a.manager().store().touch(id, 1), "memcached holds it"); // the other Tomcat reads it
                assertTrue(idleMillis(local) > 3100, () -> "idle for " + idleMillis(local) + " ms");
            });
            a.baseManager().processExpires();
            assertEquals(0, a.baseManager().getActiveSessions(), "a copy that lives on elsewhere was kept");
            assertEquals(List.of("created", "added c=3"), events.events(), "a session alive elsewhere was ended");
        }
    }

    @Test
    void eachEventFiresOnceAcrossTwoTomcatsWhereItHappens() throws Exception {
        SessionEvents onA = new SessionEvents();
        SessionEvents onB = new SessionEvents();
        try (EmbeddedTomcat a = EmbeddedTomcat.start(null, SessionListenerTest::configure, onA);
             EmbeddedTomcat b = EmbeddedTomcat.start(null, SessionListenerTest::configure, onB)) {
            SessionClient client = new SessionClient();
            client.get(a, "/set?name=a&value=1");
            client.get(b, "/set?name=a&value=2");
            client.get(a, "/rotate");
            client.get(b, "/read");
            client.get(a, "/invalidate");

            // Every copy left behind (b's under the old id and the new one) goes idle; expiry must drop them quietly.
            for (EmbeddedTomcat tomcat : List.of(a, b)) {
                for (Session copy : tomcat.baseManager().findSessions()) {
                    copy.setMaxInactiveInterval(1);
                }
            }
            long idleSince = System.currentTimeMillis();
            await("every copy is idle beyond its 1 s").atMost(Duration.ofSeconds(5))
                    .until(() -> System.currentTimeMillis() - idleSince, greaterThan(1100L));
            a.baseManager().processExpires();
            b.baseManager().processExpires();

            assertEquals(List.of("created", "added a=1", "idChanged", "destroyed", "removed a=2"), onA.events());
            assertEquals(List.of("replaced a=1"), onB.events());
            assertEquals(0, a.baseManager().getActiveSessions());
            assertEquals(0, b.baseManager().getActiveSessions());
            assertEquals(1, a.baseManager().getSessionCounter());
            assertEquals(0, b.baseManager().getSessionCounter());
            assertEquals(1, a.baseManager().getExpiredSessions());
            assertEquals(0, b.baseManager().getExpiredSessions());
        }
    }
}
