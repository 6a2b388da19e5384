package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.testing.MemcachedCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 12.9: a plain storageKeyPrefix, as set once in conf/context.xml for every web application, must not give
 * two applications one key space: a session of one must never load in the other.
 */
class ContextKeysTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(2);

    @Test
    void twoApplicationsWithTheSamePlainPrefixDoNotShareSessions() throws Exception {
        try (EmbeddedTomcat shop = EmbeddedTomcat.with().contextPath("/shop").memcached(this::configure).start();
             EmbeddedTomcat admin = EmbeddedTomcat.with().contextPath("/admin").memcached(this::configure).start()) {
            SessionClient client = new SessionClient();
            assertEquals("1", client.get(shop, "/count"));
            assertEquals("2", client.get(shop, "/count"));
            String shopSession = client.sessionId();
            assertEquals("none", client.get(admin, "/read"), "the admin application loaded the shop's session");
            client.useSessionId(shopSession);
            assertEquals("1", client.get(admin, "/count"));
        }
    }

    private void configure(MemcachedSessionManager m) {
        m.setMemcachedNodes(cluster.nodesString());
        m.setStorageKeyPrefix("sessions:");
    }
}
