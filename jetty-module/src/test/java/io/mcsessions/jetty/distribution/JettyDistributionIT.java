package io.mcsessions.jetty.distribution;

import static io.mcsessions.testing.Polling.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.jetty.embedded.CounterBrowser;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real jetty-home distribution from Maven Central: two Jetty processes, each on its own jetty-base with
 * {@code session-store-mcsessions} enabled from {@code target/jetty-base/}, one deploying the webapp in ee10 and one
 * in ee11, and three real memcached nodes with two copies of each session. A browser without stickiness alternates between them; through every failure the
 * session's counter goes up by exactly one per request, and no response is anything but 200.
 */
class JettyDistributionIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    private final CounterBrowser browser = new CounterBrowser();
    private JettyProcess a;
    private JettyProcess b;
    private int count;

    @AfterEach
    void stopJetty() {
        for (JettyProcess jetty : new JettyProcess[] {a, b}) {
            if (jetty != null) {
                jetty.close();
            }
        }
    }

    @Test
    void counterGoesUpByOnePerRequestThroughEveryFailure() throws Exception {
        MemcachedNode n3 = cluster.node(2);
        n3.kill(); // refuses connections while Jetty starts
        Map<String, String> settings = Map.of(
                "jetty.session.mcsessions.memcachedNodes", cluster.nodesString(),
                "jetty.session.mcsessions.redundancy", "2",
                "jetty.session.mcsessions.operationTimeout", "500",
                "jetty.session.mcsessions.retryInterval", "500");
        a = JettyProcess.start("a", "ee10", settings);
        b = JettyProcess.start("b", "ee11", settings); // one session, served by an ee10 and an ee11 webapp

        alternate("n3 refuses connections", 6);
        Map<JettyProcess, Long> n3Before = backUpLines(n3);
        n3.start();
        awaitBackUp(n3, n3Before);
        alternate("every node up", 4);

        MemcachedNode first = holders().get(0);
        first.kill();
        alternate("one copy's node killed", 6);
        MemcachedNode second = holders().get(0);
        second.kill();
        alternate("a second node killed", 6);

        Map<JettyProcess, Long> firstBefore = backUpLines(first);
        Map<JettyProcess, Long> secondBefore = backUpLines(second);
        first.start();
        second.start();
        awaitBackUp(first, firstBefore);
        awaitBackUp(second, secondBefore);
        alternate("killed nodes back, empty", 4);

        MemcachedNode hung = holders().get(0);
        Map<JettyProcess, Long> hungBefore = backUpLines(hung);
        hung.pause(); // keeps its copy and its connections, answers nothing
        alternate("a node hung", 6);
        hung.resume(); // with the stale copy
        awaitBackUp(hung, hungBefore);
        alternate("the hung node back with stale data", 6);

        JettyProcess last = count % 2 == 1 ? a : b;
        cluster.nodes().forEach(MemcachedNode::kill);
        for (int i = 0; i < 6; i++) {
            count++;
            assertEquals(count, browser.count(last::uri), "every node down, request " + count + " on "
                    + last.describe());
        }

        assertEquals(44, count);
        for (JettyProcess jetty : List.of(a, b)) {
            // mcsessions' warnings are in Jetty's own log format (SLF4J, jetty-slf4j-impl), with no logging setup.
            assertTrue(jetty.logLines(":WARN :", "NodeHealth", "memcached node " + first.id() + " (", "is down") >= 1,
                    jetty::logTail);
            assertTrue(jetty.logLines(":INFO :", "NodeHealth", "memcached node " + hung.id() + " (", "is back up") >= 1,
                    jetty::logTail);
            long degraded = jetty.logLines(":WARN :", "/counter - no memcached node is reachable");
            assertTrue(jetty == last ? degraded == 1 : degraded <= 1, jetty::logTail); // once, when entering it
            assertEquals(0, jetty.logLines("Unable to", "Session"), jetty::logTail); // Jetty's own session errors
        }
    }

    /**
     * Issue 12.1: b sits idle while every node is killed and restarted (empty); 3 s later a session starts on a and
     * its next request goes to b. b's connections died meanwhile: it must dial again, not take every node down and
     * serve from its own copies.
     */
    @Test
    void anInstanceIdleWhileEveryNodeRestartedServesItsNextRequestsFromMemcached() throws Exception {
        Map<String, String> settings = Map.of(
                "jetty.session.mcsessions.memcachedNodes", cluster.nodesString(),
                "jetty.session.mcsessions.redundancy", "2",
                "jetty.session.mcsessions.operationTimeout", "300",
                "jetty.session.mcsessions.retryInterval", "2000");
        a = JettyProcess.start("a", "ee10", settings);
        b = JettyProcess.start("b", "ee10", settings);
        alternate("both instances used their connections", 3); // a served last: it holds the newest copy

        cluster.killAll(); // while only a gets requests
        for (int i = 0; i < 3; i++) {
            count++;
            assertEquals(count, browser.count(a::uri), "every node down, on a");
        }
        cluster.nodes().forEach(MemcachedNode::start); // back, empty
        Thread.sleep(3_000); // past the retry interval: users come back some time later

        CounterBrowser second = new CounterBrowser();
        assertEquals(1, second.count(a::uri));
        assertEquals(2, second.count(b::uri), "the idle instance answered with a new session");
        assertEquals("invalidated=true", second.ask(a.uri("action=invalidate")).body().trim());
        assertEquals("session=none", second.ask(b.uri("action=read")).body().trim(),
                "the idle instance still serves a session ended on the other");

        CounterBrowser third = new CounterBrowser();
        assertEquals(1, third.count(a::uri));
        String oldCookie = third.cookie();
        assertEquals(2, third.ask(a.uri("action=rotate")).count());
        assertEquals(3, third.count(b::uri), "the rotated session on the idle instance");
        third.useCookie(oldCookie);
        assertEquals("session=none", third.ask(b.uri("action=read")).body().trim(),
                "the old id after changeSessionId still loads on the idle instance");
    }

    /** {@code requests} requests alternating between the instances, each adding exactly one. */
    private void alternate(String phase, int requests) throws Exception {
        for (int i = 0; i < requests; i++) {
            count++;
            JettyProcess jetty = count % 2 == 1 ? a : b;
            assertEquals(count, browser.count(jetty::uri), phase + ": request " + count + " on " + jetty.describe());
        }
    }

    /** The running memcached nodes that hold the browser's session. */
    private List<MemcachedNode> holders() {
        String key = "mcs:_counter_0.0.0.0:" + browser.sessionId();
        List<MemcachedNode> holders = cluster.nodes().stream()
                .filter(n -> n.isRunning() && !n.isPaused() && n.get(key) != null).toList();
        assertTrue(!holders.isEmpty(), "no node holds " + key);
        return holders;
    }

    /** How many times each instance has logged that the node is back up. */
    private Map<JettyProcess, Long> backUpLines(MemcachedNode node) {
        return Map.of(a, a.logLines("memcached node " + node.id() + " (", "is back up"),
                b, b.logLines("memcached node " + node.id() + " (", "is back up"));
    }

    /** Waits until both instances have logged once more that the node is back up: they use it again. */
    private void awaitBackUp(MemcachedNode node, Map<JettyProcess, Long> before) {
        for (JettyProcess jetty : List.of(a, b)) {
            await(jetty.describe() + " logs that " + node.id() + " is back up").atMost(PATIENCE)
                    .pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertTrue(
                            jetty.logLines("memcached node " + node.id() + " (", "is back up") > before.get(jetty),
                            jetty::logTail));
        }
    }
}
