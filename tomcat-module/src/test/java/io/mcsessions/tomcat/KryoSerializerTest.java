package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.LoadResult;
import io.mcsessions.core.SessionSerializer;
import io.mcsessions.core.StoreConfig;
import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.util.logging.Level;
import org.apache.catalina.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * serializer="kryo" (msm's Kryo users) and sessionAttributeFilter in two real embedded Tomcats sharing three real
 * memcached nodes, non-sticky.
 */
class KryoSerializerTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
    @RegisterExtension
    static final TomcatPair tomcats = TomcatPair.on(cluster).configuredBy(m -> {
        m.setRedundancy(2);
        m.setOperationTimeout(300);
        m.setRetryInterval(200);
        m.setSerializer("kryo");
        m.setSessionAttributeFilter("counter|shared\\..*");
        m.setSigningKeys("kryo-test-signing-key-0123456789");
    });
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private final EmbeddedTomcat a = tomcats.a();
    private final EmbeddedTomcat b = tomcats.b();

    @Test
    void twoTomcatsShareASessionWrittenWithKryo() throws Exception {
        SessionClient client = new SessionClient();
        for (int i = 1; i <= 10; i++) {
            assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? a : b, "/count"));
        }
        assertEquals(StoreConfig.KRYO_SERIALIZER, a.manager().store().config().getSerializer());
        LoadResult stored = a.manager().store().load(client.sessionId());
        byte[] payload = stored.record().payload();
        int attributesAt = 1 + 2 + 4; // format, empty authentication type, no principal (SessionCodec's layout)
        assertEquals(StoreConfig.KRYO_SERIALIZER,
                SessionSerializer.formatOf(payload, attributesAt, payload.length - attributesAt));

        // The counter's class exists only in the web application: Kryo resolved it with the webapp's loader.
        b.assertCounterIsTheWebappsOwn(client.sessionId());
        assertTrue(logs.at(Level.WARNING).isEmpty(), logs.dump());
    }

    @Test
    void attributesTheFilterDoesNotNameStayInTheTomcatThatSetThem() {
        SessionClient client = new SessionClient();
        assertEquals("1", client.get(a, "/count"));
        assertEquals("ok", client.get(a, "/set?name=shared.note&value=everywhere"));
        assertEquals("ok", client.get(a, "/set?name=localNote&value=here"));
        String id = client.sessionId();

        assertEquals("1", client.get(b, "/read"));
        Session onB = b.manager().localSession(id);
        assertEquals("everywhere", onB.getSession().getAttribute("shared.note"));
        assertNull(onB.getSession().getAttribute("localNote"), "not written to memcached");

        assertEquals("1", client.get(a, "/read")); // a's copy is still the newest: a keeps serving it
        Session onA = a.manager().localSession(id);
        assertEquals("here", onA.getSession().getAttribute("localNote"));
        assertEquals("everywhere", onA.getSession().getAttribute("shared.note"));
    }
}
