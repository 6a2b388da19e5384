package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What starting and stopping a context does to sessions, threads and class loaders. */
class ContextLifecycleTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    private static void configure(MemcachedSessionManager m) {
        m.setMemcachedNodes(cluster.nodesString());
        m.setOperationTimeout(300);
    }

    @Test
    void stoppedWebappLeavesNoThreadHoldingItsClassLoader() throws Exception {
        try (EmbeddedTomcat a = EmbeddedTomcat.start(null, ContextLifecycleTest::configure);
             EmbeddedTomcat b = EmbeddedTomcat.start(null, ContextLifecycleTest::configure)) {
            SessionClient client = new SessionClient();
            client.get(a, "/count");
            cluster.node(0).kill();
            cluster.node(1).kill();
            client.get(a, "/count");
            client.get(a, "/count");
            cluster.node(0).start();
            cluster.node(1).start();
            a.nodesUp();
            client.get(b, "/count");
            ClassLoader webappLoader = a.context().getLoader().getClassLoader();
            a.context().stop(); // b still uses the same memcached nodes, so their connections stay open
            List<String> pinning = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getContextClassLoader() == webappLoader).map(Thread::getName).toList();
            assertTrue(pinning.isEmpty(), "threads still holding the stopped webapp's class loader: " + pinning);
            assertEquals("5", client.get(b, "/count"));
        }
    }

    @Test
    void stoppingTomcatEndsNoSessionItLivesOnInMemcached() throws Exception {
        AtomicInteger destroyed = new AtomicInteger();
        HttpSessionListener listener = new HttpSessionListener() {
            @Override
            public void sessionDestroyed(HttpSessionEvent event) {
                destroyed.incrementAndGet();
            }
        };
        try (EmbeddedTomcat b = EmbeddedTomcat.start(null, ContextLifecycleTest::configure)) {
            SessionClient client = new SessionClient();
            try (EmbeddedTomcat a = EmbeddedTomcat.start(null, ContextLifecycleTest::configure, listener)) {
                client.get(a, "/count");
                client.get(a, "/count");
            }
            assertEquals(0, destroyed.get(), "stopping Tomcat ended the session");
            assertEquals("3", client.get(b, "/count"));
        }
    }
}
