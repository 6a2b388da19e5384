package io.mcsessions.tomcat;

import static io.mcsessions.testing.Polling.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.LoadResult;
import io.mcsessions.core.StoreStats.Counter;
import io.mcsessions.testing.Concurrently;
import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sticky mode with asynchronous writes coalesces the writes of one session: however many requests change it at
 * once, memcached ends up with the newest state, and a failover to another Tomcat continues from it.
 */
class StickyAsyncWritesTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
    /** Started by the test: b only once a is gone. */
    @RegisterExtension
    final TomcatPair tomcats = TomcatPair.on(cluster).configuredBy(m -> {
        m.setRedundancy(2);
        m.setSticky(true);
        m.setSessionBackupAsync(true);
        m.setOperationTimeout(500);
    }).jvmRoutes("a", "b").listeners(new SessionEvents(), new SessionEvents());

    @Test
    void concurrentChangesEndWithTheNewestStateInMemcached() throws Exception {
        EmbeddedTomcat a = tomcats.a();
        SessionClient first = new SessionClient();
        assertEquals("1", first.get(a, "/count"));
        String id = first.sessionId();

        int threads = 8;
        int perThread = 100;
        Concurrently.run(threads, Duration.ofMinutes(5), thread -> {
            SessionClient client = new SessionClient();
            client.useSessionId(id);
            for (int i = 0; i < perThread; i++) {
                client.get(a, "/count");
            }
        });
        long writes = a.manager().store().stats().count(Counter.SAVE_STORED);
        assertTrue(writes <= 1 + threads * perThread, "more writes than requests: " + writes);

        int last = Integer.parseInt(first.get(a, "/count"));

        // The last coalesced write carries the newest state: a failover to b continues from it.
        MemcachedSession local = (MemcachedSession) a.manager().findSession(id);
        // local.revision() is read on every poll: the coalesced write in flight sets it when it takes the session.
        await("the newest revision reaches memcached").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            LoadResult stored = a.manager().store().load(id);
            assertTrue(stored.isFound(), stored.outcome().toString());
            assertEquals(local.revision(), stored.record().revision(), "memcached's revision, this Tomcat's");
        });
        a.close(); // a is gone: the load balancer sends the session to b
        EmbeddedTomcat b = tomcats.b();
        SessionClient failover = new SessionClient();
        failover.useSessionId(id);
        assertEquals(String.valueOf(last + 1), failover.get(b, "/count"));
    }
}
