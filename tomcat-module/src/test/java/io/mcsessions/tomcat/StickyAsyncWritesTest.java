package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sticky mode with asynchronous writes coalesces the writes of one session: however many requests change it at
 * once, memcached ends up with the newest state, and a failover to another Tomcat continues from it.
 */
class StickyAsyncWritesTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    private EmbeddedTomcat a;
    private EmbeddedTomcat b;

    static void configure(MemcachedSessionManager m) {
        m.setMemcachedNodes(cluster.nodesString());
        m.setRedundancy(2);
        m.setSticky(true);
        m.setSessionBackupAsync(true);
        m.setOperationTimeout(500);
    }

    @AfterEach
    void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void concurrentChangesEndWithTheNewestStateInMemcached() throws Exception {
        a = EmbeddedTomcat.start("a", StickyAsyncWritesTest::configure, new SessionEvents());
        SessionClient first = new SessionClient();
        assertEquals("1", first.get(a, "/count"));
        String id = first.sessionId();

        int threads = 8;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    SessionClient client = new SessionClient();
                    client.useSessionId(id);
                    for (int i = 0; i < perThread; i++) {
                        client.get(a, "/count");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        long writes = a.manager().store().stats().counters().getOrDefault("saveStored", 0L);
        assertTrue(writes <= 1 + threads * perThread, "more writes than requests: " + writes);

        int last = Integer.parseInt(first.get(a, "/count"));

        // The last coalesced write carries the newest state: a failover to b continues from it.
        MemcachedSession local = (MemcachedSession) a.manager().findSession(id);
        Poll.until(() -> a.manager().store().load(id).isFound()
                        && a.manager().store().load(id).record().revision() == local.revision(),
                Duration.ofSeconds(10), () -> "the newest revision never reached memcached");
        a.close();
        a = null;
        b = EmbeddedTomcat.start("b", StickyAsyncWritesTest::configure, new SessionEvents());
        SessionClient failover = new SessionClient();
        failover.useSessionId(id);
        assertEquals(String.valueOf(last + 1), failover.get(b, "/count"));
    }
}
