package io.mcsessions.jetty.embedded;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Nodes fail (killed, refused, hung with old data, all of them) and every request still succeeds with its session;
 * each failure is one warning, in Jetty's own log.
 */
public abstract class FailoverScenarios extends EmbeddedJettyTest {

    @Test
    void sessionSurvivesTwoKilledNodesOneAfterTheOther() throws Exception {
        JettyInstance a = start("a");
        JettyInstance b = start("b");
        int expected = 0;
        expected = alternate(a, b, expected, 2);
        List<MemcachedNode> holders = copies(a, 2);

        holders.get(0).kill();
        expected = alternate(a, b, expected, 4);
        holders.get(1).kill();
        expected = alternate(a, b, expected, 4);

        assertEquals(10, expected);
        for (MemcachedNode killed : holders) {
            assertEquals(1, logs.count(Level.WARNING, "memcached node " + killed.id() + " (" + killed.address()
                    + ") is down"), logs.dump());
        }
        assertEquals(0, logs.count(Level.WARNING, "no memcached node is reachable"), logs.dump());
    }

    @Test
    void nodeRefusingConnectionsAtStartIsSkipped() throws Exception {
        String refused = MemcachedCluster.refusedAddress();
        String nodes = "n1:" + cluster.node(0).address() + ",n2:" + cluster.node(1).address() + ",down:" + refused;
        JettyInstance a = started(jetty("a").start(sessions(nodes)));
        JettyInstance b = started(jetty("b").start(sessions(nodes)));

        assertEquals(8, alternate(a, b, 0, 8));
        assertEquals(1, logs.count(Level.WARNING, "memcached node down (" + refused + ") is down"), logs.dump());
    }

    @Test
    void hungNodeWithStaleDataIsNeverRead() throws Exception {
        JettyInstance a = start("a");
        JettyInstance b = start("b");
        int expected = alternate(a, b, 0, 2);
        MemcachedNode hung = copies(a, 2).get(0);

        hung.pause(); // keeps the copy of count 2, and its connections, and answers nothing
        expected = alternate(a, b, expected, 4);
        hung.resume();
        // The node comes back holding count 2 while the session is at 6.
        await("the resumed node is probed and used again").until(() -> state(a, hung), is("UP"));
        expected = alternate(a, b, expected, 6);

        assertEquals(12, expected);
        assertEquals(1, logs.count(Level.WARNING, "memcached node " + hung.id() + " (" + hung.address()
                + ") is down"), logs.dump());
    }

    /**
     * The replicas that took the newest copy die, and a node that hung since the session's first write comes back
     * holding that first copy. Instance a wrote the newest copy (a replica acknowledged it), b an older one. a serves
     * its own copy, as it is newer than memcached's, and must write it again: else memcached keeps the first copy,
     * b serves its older one, and a change made on a is undone (it was: 7 instead of 8).
     */
    @Test
    void aStaleReplicaLeftAloneDoesNotUndoTheCopyThisInstanceWrote() throws Exception {
        JettyInstance a = start("a");
        JettyInstance b = start("b");
        assertEquals(1, browser.count(on(a)));
        MemcachedNode stale = copies(a, 2).get(0);
        stale.pause(); // keeps the copy of count 1
        int expected = 1;
        for (int i = 0; i < 6; i++) {
            expected++;
            assertEquals(expected, browser.count(on(expected % 2 == 0 ? b : a)), "request " + expected);
        }
        assertEquals(7, expected, "a wrote the newest copy, b the one before");
        for (MemcachedNode node : cluster.nodes()) {
            if (node != stale) {
                node.kill();
            }
        }
        stale.resume();
        for (JettyInstance instance : List.of(a, b)) {
            await("the resumed node is probed and used again").until(() -> state(instance, stale), is("UP"));
        }

        CounterBrowser.Answer read = browser.ask(a.uri("action=read"));
        assertEquals(7, read.count(), "a serves its copy, newer than memcached's: " + read.body());
        assertEquals(8, browser.count(on(b)), "b gets the copy a wrote, not its own older one");
        assertEquals(9, browser.count(on(a)));
    }

    @Test
    void everyNodeDownKeepsServingNonStickySessionsOnTheInstanceThatHasThem() throws Exception {
        JettyInstance a = start("a");
        JettyInstance b = start("b");
        int expected = alternate(a, b, 0, 3); // a served last

        cluster.nodes().forEach(MemcachedNode::kill);
        for (int i = 0; i < 5; i++) {
            assertEquals(++expected, browser.count(on(a)));
        }
        assertTrue(a.store().isDegraded());
        assertEquals(2, logs.count(Level.WARNING, "no memcached node is reachable"), "one per store: " + logs.dump());

        cluster.nodes().forEach(MemcachedNode::start); // back, and empty
        await("a node is probed and used again").untilAsserted(() -> assertFalse(a.store().isDegraded(),
                () -> Arrays.toString(a.store().getNodeStates())));
        await("the session kept during the outage is written back").until(() -> holders(a), not(empty()));
        assertEquals(++expected, browser.count(on(b)), "the other instance reads the session kept during the outage");
        assertEquals(++expected, browser.count(on(a)));
        assertEquals(2, logs.count(Level.INFO, "/counter - memcached is reachable again"), "one per store: "
                + logs.dump());
    }

    @Test
    void everyNodeDownKeepsServingStickySessions() throws Exception {
        JettyInstance a = started(jetty("a").sticky(true).start(sessions()));
        assertEquals(1, browser.count(on(a)));

        cluster.nodes().forEach(MemcachedNode::kill);
        for (int expected = 2; expected <= 6; expected++) {
            assertEquals(expected, browser.count(on(a)));
        }

        assertTrue(a.store().isDegraded());
        assertEquals(1, logs.count(Level.WARNING, "no memcached node is reachable"), logs.dump());
    }

    @Test
    void failoverWarningAppearsInJettyLog() throws Exception {
        JettyInstance a = start("a");
        assertEquals(1, browser.count(on(a)));
        MemcachedNode killed = copies(a, 2).get(0);
        StdErrAppender jettyLog = (StdErrAppender) ((JettyLogger) LoggerFactory.getLogger("io.mcsessions"))
                .getAppender();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = jettyLog.getStream();
        jettyLog.setStream(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            killed.kill();
            assertEquals(2, browser.count(on(a)));
            await("the warning in Jetty's log").until(() -> captured.toString(StandardCharsets.UTF_8),
                    containsString("is down"));
        } finally {
            jettyLog.setStream(original);
        }

        String jettyOutput = captured.toString(StandardCharsets.UTF_8);
        assertTrue(jettyOutput.matches("(?s).*:WARN :[a-z.]*NodeHealth:[^\\n]*memcached node " + killed.id()
                + " \\(" + killed.address().replace(".", "\\.") + "\\) is down.*"), jettyOutput);
    }

    /** Sends {@code count} requests alternating between the instances, each expected to add exactly one. */
    private int alternate(JettyInstance a, JettyInstance b, int last, int count) throws Exception {
        int expected = last;
        for (int i = 0; i < count; i++) {
            expected++;
            assertEquals(expected, browser.count(on(expected % 2 == 1 ? a : b)), "request " + expected);
        }
        return expected;
    }
}
