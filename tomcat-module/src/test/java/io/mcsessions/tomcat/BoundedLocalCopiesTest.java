package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14.4: non-sticky, a Tomcat keeps at most maxLocalCopies local copies (least recently used dropped first),
 * so its heap does not grow with the cluster's sessions; a session whose copy was dropped is read from memcached.
 */
class BoundedLocalCopiesTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(2);

    @Test
    void aTomcatKeepsAtMostMaxLocalCopiesAndServesTheOthersFromMemcached() throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(null, m -> {
            m.setMemcachedNodes(cluster.nodesString());
            m.setMaxLocalCopies(3);
        })) {
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
            // they all count as used once and share probation (OneShotSessionsTest covers who stays).
            assertTrue(tomcat.baseManager().getActiveSessions() <= 3,
                    tomcat.baseManager().getActiveSessions() + " local copies");
            assertEquals(10, tomcat.baseManager().getSessionCounter(), "dropping a copy is not a new session");
            assertEquals(0, tomcat.baseManager().getExpiredSessions(), "dropping a copy does not end a session");
        }
    }
}
