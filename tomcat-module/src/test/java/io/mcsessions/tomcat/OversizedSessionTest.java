package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A session larger than memcached's item size stays usable on its Tomcat, with one warning naming size and limit. */
class OversizedSessionTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    @Test
    void aSessionOverMaxValueSizeKeepsWorkingLocallyWithAWarning() throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.start(null, m -> {
            m.setMemcachedNodes(cluster.nodesString());
            m.setRedundancy(2);
            m.setOperationTimeout(300);
        })) {
            SessionClient client = new SessionClient();
            assertEquals("1", client.get(tomcat, "/count"));
            assertEquals("ok", client.get(tomcat, "/big?kb=1500"));
            for (int i = 2; i <= 6; i++) {
                assertEquals(String.valueOf(i), client.get(tomcat, "/count"), "request " + i);
            }
            assertTrue(logs.count(Level.WARNING, "over maxValueSize (1048576 bytes)") >= 1, logs.dump());
            assertTrue(logs.count(Level.WARNING, "over maxValueSize") <= 1, "rate-limited: " + logs.dump());
        }
    }
}
