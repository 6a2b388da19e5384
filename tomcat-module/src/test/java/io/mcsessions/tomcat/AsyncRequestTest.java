package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Asynchronous servlets: the request ends when the async request completes, not when the container thread leaves
 * the servlet, so what the async work did to the session is written (and, with locking, under the lock).
 */
class AsyncRequestTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private static final Consumer<Context> ASYNC_SERVLETS = context -> {
        Wrapper async = Tomcat.addServlet(context, "async", new AsyncCounterServlet());
        async.setAsyncSupported(true);
        context.addServletMappingDecoded("/async/*", "async");
        Tomcat.addServlet(context, "async-read", new AsyncCounterServlet.Read());
        context.addServletMappingDecoded("/async-read", "async-read");
    };

    private static EmbeddedTomcat start(String lockingMode) throws Exception {
        return EmbeddedTomcat.with().memcached(m -> {
            m.setMemcachedNodes(cluster.nodesString());
            m.setOperationTimeout(1000);
            m.setLockingMode(lockingMode);
        }).customize(ASYNC_SERVLETS).start();
    }

    /** With locking, each request waits for the previous one's write: alternating Tomcats sees every increment. */
    @Test
    void asyncChangesAreWrittenWhenTheRequestCompletes() throws Exception {
        try (EmbeddedTomcat a = start("all"); EmbeddedTomcat b = start("all")) {
            SessionClient client = new SessionClient();
            for (int i = 1; i <= 6; i++) {
                assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? a : b, "/async/count"));
            }
            assertEquals("6", client.get(a, "/async-read"));
            assertEquals("6", client.get(b, "/async-read"));
        }
    }

    @Test
    void sessionFirstObtainedOnTheAsyncThreadIsWrittenToo() throws Exception {
        try (EmbeddedTomcat a = start("all"); EmbeddedTomcat b = start("all")) {
            SessionClient client = new SessionClient();
            assertEquals("1", client.get(a, "/async/count-late")); // created on the async thread
            for (int i = 2; i <= 5; i++) {
                assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? b : a, "/async/count-late"));
            }
        }
    }

    @Test
    void asyncDispatchIsPartOfTheSameRequest() throws Exception {
        try (EmbeddedTomcat a = start("all"); EmbeddedTomcat b = start("all")) {
            SessionClient client = new SessionClient();
            for (int i = 1; i <= 4; i++) {
                assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? a : b, "/async/dispatch"));
            }
            assertEquals("4", client.get(b, "/async-read"));
            assertEquals(0, logs.count(Level.WARNING, "could not lock"), "a dispatch waited for its own lock: "
                    + logs.dump());
        }
    }

    @Test
    void parallelAsyncRequestsUnderLockingLoseNoUpdate() throws Exception {
        try (EmbeddedTomcat a = start("all"); EmbeddedTomcat b = start("all")) {
            SessionClient first = new SessionClient();
            assertEquals("1", first.get(a, "/async/count"));
            String id = first.sessionId();
            int clients = 4;
            int perClient = 25;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int offset = c;
                    done.add(pool.submit(() -> {
                        SessionClient client = new SessionClient();
                        client.useSessionId(id);
                        for (int i = 0; i < perClient; i++) {
                            client.get((i + offset) % 2 == 0 ? a : b, "/async/count");
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(String.valueOf(1 + clients * perClient), first.get(b, "/async-read"));
            assertEquals(0, logs.count(Level.WARNING, "could not lock"), logs.dump());
        }
    }
}
