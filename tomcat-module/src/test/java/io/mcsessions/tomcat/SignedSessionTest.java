package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code signingKeys}: Tomcats sharing a key share sessions; a value nobody signed with it is never read. */
class SignedSessionTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");
    /** Started in the test, so that what they log at start is captured. */
    @RegisterExtension
    final TomcatPair tomcats = TomcatPair.on(cluster).configuredBy(m -> {
        m.setOperationTimeout(500);
        m.setSigningKeys("first-signing-key-0123456789");
        m.setDeserializationFilter("webapp.only.**;java.**;!*");
    });

    @Test
    void signedSessionsReplicateAndAValueWithoutAValidSignatureIsIgnored() throws Exception {
        EmbeddedTomcat a = tomcats.a();
        EmbeddedTomcat b = tomcats.b();
        assertEquals(0, logs.count(Level.WARNING, "are not signed"), "a signing Tomcat said it does not sign");
        SessionClient client = new SessionClient();
        for (int i = 1; i <= 4; i++) {
            assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? a : b, "/count"));
        }
        planted(a);
    }

    /** A Tomcat without the key writes a session; the signing Tomcat must not read it. */
    private void planted(EmbeddedTomcat a) throws Exception {
        try (EmbeddedTomcat unsigned = EmbeddedTomcat.start(null, m -> {
            tomcats.configure(m);
            m.setSigningKeys(null);
        })) {
            SessionClient planted = new SessionClient();
            assertEquals("1", planted.get(unsigned, "/count")); // the same key in memcached, without a signature
            assertEquals("none", planted.get(a, "/read"), "a Tomcat with signingKeys read an unsigned value");
            assertTrue(logs.count(Level.WARNING, "without a valid signature") >= 1, logs.dump());
        }
    }
}
