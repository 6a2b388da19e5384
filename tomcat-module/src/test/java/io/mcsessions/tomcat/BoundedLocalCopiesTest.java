package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.catalina.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14.4: non-sticky, a Tomcat keeps at most maxLocalCopies local copies, so its heap does not grow with the
 * cluster's sessions; a session whose copy was dropped is read from memcached. Sessions used by one request only
 * (crawlers and clients without cookies create one per request) fill at most a tenth of the bound, and do not push
 * out the copies of sessions that come back.
 */
class BoundedLocalCopiesTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(2);

    @Test
    void aTomcatKeepsAtMostMaxLocalCopiesAndServesTheOthersFromMemcached() throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.nonStickyKeeping(cluster, 3)) {
            List<SessionClient> clients = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                SessionClient client = new SessionClient();
                assertEquals("1", client.get(tomcat, "/count"));
                clients.add(client);
                assertTrue(tomcat.baseManager().getActiveSessions() <= 3,
                        tomcat.baseManager().getActiveSessions() + " local copies");
            }
            for (SessionClient client : clients) {
                assertEquals("2", client.get(tomcat, "/count"), "a session whose local copy was dropped");
            }
            // Ten sessions in turn through a bound of three: no copy is there when its session comes back, so
            // they all count as used once and share probation (the tests below cover who stays).
            assertTrue(tomcat.baseManager().getActiveSessions() <= 3,
                    tomcat.baseManager().getActiveSessions() + " local copies");
            assertEquals(10, tomcat.baseManager().getSessionCounter(), "dropping a copy is not a new session");
            assertEquals(0, tomcat.baseManager().getExpiredSessions(), "dropping a copy does not end a session");
        }
    }

    @Test
    void aBoundOfOneKeepsOneCopyOfSessionsThatComeBack() throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.nonStickyKeeping(cluster, 1)) {
            for (int i = 0; i < 3; i++) {
                SessionClient client = new SessionClient();
                assertEquals("1", client.get(tomcat, "/count"));
                assertEquals("2", client.get(tomcat, "/count"));
                assertEquals(1, localIds(tomcat).size(), "local copies with maxLocalCopies=1");
            }
        }
    }

    @Test
    void aFloodOfOneShotSessionsKeepsATenthOfTheBoundAndTheReturningSessions() throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.nonStickyKeeping(cluster, 20)) {
            SessionClient returning = new SessionClient();
            assertEquals("1", returning.get(tomcat, "/count"));
            assertEquals("2", returning.get(tomcat, "/count"));

            oneShotSessions(tomcat, 40);

            Set<String> local = localIds(tomcat);
            assertTrue(local.contains(returning.sessionId()),
                    "the returning session's copy was pushed out by one-shot sessions: " + local);
            assertTrue(local.size() <= 3, local.size() + " local copies after 40 one-shot sessions, bound 20: "
                    + "one-shot sessions may fill a tenth of it, plus the returning one");
            assertEquals("3", returning.get(tomcat, "/count"));
            assertEquals(0, tomcat.baseManager().getExpiredSessions(), "dropping a copy does not end a session");
        }
    }

    @Test
    void aSessionWhoseCopyWasDroppedEarlyIsKeptWhenItComesBack() throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.nonStickyKeeping(cluster, 20)) {
            SessionClient slow = new SessionClient();
            assertEquals("1", slow.get(tomcat, "/count"));
            oneShotSessions(tomcat, 10);
            assertFalse(localIds(tomcat).contains(slow.sessionId()), "one-shot copies push out a new session's");

            assertEquals("2", slow.get(tomcat, "/count"), "read from memcached");
            oneShotSessions(tomcat, 40);
            assertTrue(localIds(tomcat).contains(slow.sessionId()),
                    "a session that came back after its copy was dropped is kept like one that came back in time");
            assertEquals("3", slow.get(tomcat, "/count"));
        }
    }

    @Test
    void withEveryNodeDownNoCopyIsDroppedWhateverItsPart() throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.nonStickyKeeping(cluster, 20)) {
            cluster.killAll();
            List<SessionClient> clients = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                SessionClient client = new SessionClient();
                assertEquals("1", client.get(tomcat, "/count"));
                clients.add(client);
            }
            assertEquals(10, localIds(tomcat).size(), "copies no node took are all there is of those sessions");
            for (SessionClient client : clients) {
                assertEquals("2", client.get(tomcat, "/count"), "served from the local copy while no node answers");
            }
        }
    }

    /** Sessions created by one request each and never used again, as a crawler without cookies makes them. */
    private static void oneShotSessions(EmbeddedTomcat tomcat, int count) {
        for (int i = 0; i < count; i++) {
            assertEquals("1", new SessionClient().get(tomcat, "/count"), "one-shot session " + i);
        }
    }

    private static Set<String> localIds(EmbeddedTomcat tomcat) {
        return Arrays.stream(tomcat.baseManager().findSessions()).map(Session::getIdInternal)
                .collect(Collectors.toSet());
    }
}
