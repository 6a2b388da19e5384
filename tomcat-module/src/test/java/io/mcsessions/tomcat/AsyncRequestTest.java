package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
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
    static final TomcatPair tomcats = TomcatPair.on(cluster).configuredBy(m -> {
        m.setOperationTimeout(1000);
        m.setLockingMode("all");
    }).customize((name, context) -> asyncServlets(context));
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private final EmbeddedTomcat a = tomcats.a();
    private final EmbeddedTomcat b = tomcats.b();

    private static void asyncServlets(Context context) {
        Wrapper async = Tomcat.addServlet(context, "async", new AsyncCounterServlet());
        async.setAsyncSupported(true);
        context.addServletMappingDecoded("/async/*", "async");
        Tomcat.addServlet(context, "async-read", new AsyncCounterServlet.Read());
        context.addServletMappingDecoded("/async-read", "async-read");
    }

    /** With locking, each request waits for the previous one's write: alternating Tomcats sees every increment. */
    @Test
    void asyncChangesAreWrittenWhenTheRequestCompletes() throws Exception {
        SessionClient client = new SessionClient();
        for (int i = 1; i <= 6; i++) {
            assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? a : b, "/async/count"));
        }
        assertEquals("6", client.get(a, "/async-read"));
        assertEquals("6", client.get(b, "/async-read"));
    }

    @Test
    void sessionFirstObtainedOnTheAsyncThreadIsWrittenToo() throws Exception {
        SessionClient client = new SessionClient();
        assertEquals("1", client.get(a, "/async/count-late")); // created on the async thread
        for (int i = 2; i <= 5; i++) {
            assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? b : a, "/async/count-late"));
        }
    }

    @Test
    void asyncDispatchIsPartOfTheSameRequest() throws Exception {
        SessionClient client = new SessionClient();
        for (int i = 1; i <= 4; i++) {
            assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? a : b, "/async/dispatch"));
        }
        assertEquals("4", client.get(b, "/async-read"));
        assertEquals(0, logs.count(Level.WARNING, "could not lock"), "a dispatch waited for its own lock: "
                + logs.dump());
    }

    @Test
    void parallelAsyncRequestsUnderLockingLoseNoUpdate() throws Exception {
        SessionClient first = new SessionClient();
        assertEquals("1", first.get(a, "/async/count"));
        String id = first.sessionId();
        int clients = 4;
        int perClient = 25;
        tomcats.concurrentRequests(id, clients, perClient, "/async/count");
        assertEquals(String.valueOf(1 + clients * perClient), first.get(b, "/async-read"));
        assertEquals(0, logs.count(Level.WARNING, "could not lock"), logs.dump());
    }
}
