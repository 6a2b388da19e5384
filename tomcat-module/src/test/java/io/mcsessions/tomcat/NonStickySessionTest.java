package io.mcsessions.tomcat;

import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.NodeState;
import io.mcsessions.core.ReplicaInfo;
import io.mcsessions.core.StoreStats.Counter;
import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Non-sticky mode in two real embedded Tomcats sharing three real memcached nodes, N=2. */
class NonStickySessionTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
    @RegisterExtension
    static final TomcatPair tomcats = TomcatPair.on(cluster).configuredBy(m -> {
        m.setRedundancy(2);
        m.setOperationTimeout(300);
        m.setRetryInterval(200);
        m.setRequestUriIgnorePattern(".*/static/.*");
    });
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private final EmbeddedTomcat a = tomcats.a();
    private final EmbeddedTomcat b = tomcats.b();

    private static long count(EmbeddedTomcat tomcat, Counter counter) {
        return tomcat.manager().store().stats().count(counter);
    }

    @Test
    void counterGoesUpByOneAlternatingBetweenTwoTomcats() {
        SessionClient client = new SessionClient();
        for (int i = 1; i <= 20; i++) {
            assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? a : b, "/count"));
        }
    }

    @Test
    void sessionHoldingAWebappOnlyClassIsReadWithTheWebappClassLoader() throws Exception {
        SessionClient client = new SessionClient();
        client.get(a, "/count");
        assertEquals("1", client.get(b, "/read"));
        b.assertCounterIsTheWebappsOwn(client.sessionId());
        assertTrue(logs.at(Level.WARNING).isEmpty(), logs.dump());
    }

    /** Issue 14.2: a request that only reads pays for the reads only: no rewrite and no touch. */
    @Test
    void requestThatOnlyReadsNeitherRewritesNorTouches() {
        SessionClient client = new SessionClient();
        client.get(a, "/count");
        long saves = count(b, Counter.SAVE_STORED);
        long touches = count(b, Counter.TOUCH);
        for (int i = 0; i < 10; i++) {
            assertEquals("1", client.get(b, "/read"));
        }
        assertEquals(saves, count(b, Counter.SAVE_STORED), "a read-only request must not rewrite the session");
        assertEquals(touches, count(b, Counter.TOUCH), "a read-only request must not touch the session");
    }

    /**
     * Issue 14.2: requests that only read a session move its expiry on, lazily, and its timeout holds exactly on
     * the other Tomcat: idle just under its timeout since the last read it is there, idle past it, it is not.
     */
    @Test
    void aSessionOnlyReadSinceItsLastChangeExpiresOneTimeoutAfterItsLastReadOnEveryTomcat() throws Exception {
        SessionClient client = new SessionClient();
        assertEquals("1", client.get(a, "/count"));
        assertEquals("ok", client.get(a, "/timeout?s=4"));
        Thread.sleep(1_500);
        assertEquals("1", client.get(a, "/read"));
        long lastRead = System.currentTimeMillis();

        Thread.sleep(Math.max(0, lastRead + 3_200 - System.currentTimeMillis()));
        SessionClient other = new SessionClient();
        other.useSessionId(client.sessionId());
        assertEquals("1", other.get(b, "/read"), "the session expired before its timeout since its last read");
        long lastOnB = System.currentTimeMillis();
        Thread.sleep(Math.max(0, lastOnB + 5_500 - System.currentTimeMillis()));
        assertEquals("none", other.get(b, "/read"), "the session outlived its timeout");
    }

    @Test
    void requestMatchingIgnorePatternTouchesNothing() {
        SessionClient client = new SessionClient();
        client.get(a, "/count");
        Map<Counter, Long> before = a.manager().store().stats().counts();
        assertEquals("session", client.get(a, "/static/logo.png"));
        assertEquals(before, a.manager().store().stats().counts(), "an ignored request talked to memcached");
        assertEquals("1", client.get(b, "/read"));
    }

    @Test
    void invalidationOnOneTomcatIsSeenOnTheOther() {
        SessionClient client = new SessionClient();
        client.get(a, "/count");
        client.get(b, "/count");
        String id = client.sessionId();
        assertEquals("invalidated", client.get(a, "/invalidate"));
        client.useSessionId(id);
        assertEquals("none", client.get(b, "/read"));
        assertNoLoadableCopy(id);
        assertEquals(null, b.manager().localSession(id), "the other Tomcat still holds the ended session");
    }

    @Test
    void changeSessionIdLeavesNoLoadableCopyUnderTheOldId() {
        SessionClient client = new SessionClient();
        client.get(a, "/count");
        String oldId = client.sessionId();
        String newId = client.get(a, "/rotate");
        assertEquals(newId, client.sessionId());
        assertNotEquals(oldId, newId);
        assertEquals("2", client.get(b, "/count"), "the session moved to its new id with its data");
        assertNoLoadableCopy(oldId);
        SessionClient thief = new SessionClient();
        thief.useSessionId(oldId);
        assertEquals("none", thief.get(b, "/read"));
        assertEquals("none", thief.get(a, "/read"));
    }

    @Test
    void sessionStartedOnOneTomcatAndRotatedOnTheOtherKeepsItsData() {
        SessionClient client = new SessionClient();
        assertEquals("1", client.get(b, "/count"));
        String oldId = client.sessionId();
        String newId = client.get(a, "/rotate");
        assertNotEquals(oldId, newId);
        assertEquals("2", client.get(b, "/count"));
        assertNoLoadableCopy(oldId);
    }

    private void assertNoLoadableCopy(String id) {
        for (ReplicaInfo replica : a.manager().store().inspect(id)) {
            assertFalse(replica.holding() == ReplicaInfo.Holding.COPY, () -> "node " + replica.node().id()
                    + " still holds a copy of the old session: " + replica);
        }
        assertTrue(a.manager().store().load(id).isAbsent());
    }

    @Test
    void sessionSurvivesKilledNodes() {
        SessionClient client = new SessionClient();
        assertEquals("1", client.get(a, "/count"));
        cluster.node(0).kill();
        for (int i = 2; i <= 6; i++) {
            assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? b : a, "/count"));
        }
        cluster.node(1).kill();
        for (int i = 7; i <= 12; i++) {
            assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? b : a, "/count"));
        }
        assertTrue(logs.count(Level.WARNING, cluster.node(0).address()) >= 1, logs.dump());
    }

    @Test
    void hungNodeThatResumesWithStaleDataServesNothingStale() {
        SessionClient client = new SessionClient();
        int replica = pauseAReplicaThenAlternate(client, 6);
        cluster.node(replica).resume(); // still holds revision 1
        tomcats.nodesUp();
        for (int i = 7; i <= 12; i++) {
            assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? b : a, "/count"));
        }
    }

    /**
     * The replicas that took the newest copies die, and a node that hung since revision 1 comes back holding it:
     * memcached's newest copy is now older than the one this Tomcat wrote and a replica acknowledged. Serving
     * memcached's would undo every request in between (it did: "2" instead of "8").
     */
    @Test
    void aStaleReplicaLeftAloneDoesNotUndoTheCopyThisTomcatWrote() {
        SessionClient client = new SessionClient();
        int stale = pauseAReplicaThenAlternate(client, 7);
        for (int i = 0; i < 3; i++) {
            if (i != stale) {
                cluster.node(i).kill();
            }
        }
        cluster.node(stale).resume(); // still holds revision 1
        String onlyUp = "n" + (stale + 1);
        for (EmbeddedTomcat tomcat : java.util.List.of(a, b)) {
            await("both see " + onlyUp + " up and the killed nodes down").atMost(Duration.ofSeconds(10)).until(() -> {
                tomcat.manager().store().load("probe-" + System.nanoTime());
                return tomcat.manager().store().nodes().stream().filter(n -> n.state() == NodeState.UP)
                        .map(n -> n.node().id()).toList();
            }, equalTo(java.util.List.of(onlyUp)));
        }

        assertEquals("7", client.get(a, "/read"), "this Tomcat's acknowledged copy is newer than memcached's");
        assertEquals("8", client.get(b, "/count"), "b gets the copy a wrote again, not its own older one");
        assertEquals("9", client.get(a, "/count"));
    }

    /**
     * The session's first request on a, then a replica holding that copy paused (it keeps revision 1 and its
     * connections, and answers nothing), then requests 2 to {@code last} alternating between b and a, each counting
     * on. Returns the paused node's index.
     */
    private int pauseAReplicaThenAlternate(SessionClient client, int last) {
        client.get(a, "/count");
        int paused = replicaHoldingACopy(client.sessionId());
        cluster.node(paused).pause();
        for (int i = 2; i <= last; i++) {
            assertEquals(String.valueOf(i), client.get(i % 2 == 0 ? b : a, "/count"));
        }
        return paused;
    }

    private int replicaHoldingACopy(String id) {
        for (ReplicaInfo replica : a.manager().store().inspect(id)) {
            if (replica.holding() == ReplicaInfo.Holding.COPY) {
                return Integer.parseInt(replica.node().id().substring(1)) - 1;
            }
        }
        throw new AssertionError("no node holds a copy of the session");
    }

    @Test
    void allNodesDownServesTheLocalCopyAndWritesItThroughWhenNodesReturn() {
        SessionClient client = new SessionClient();
        client.get(b, "/count");
        client.get(a, "/count"); // the Tomcat that keeps serving holds the newest copy
        for (int i = 0; i < 3; i++) {
            cluster.node(i).kill();
        }
        for (int i = 3; i <= 8; i++) {
            assertEquals(String.valueOf(i), client.get(a, "/count"));
        }
        assertTrue(a.manager().store().isDegraded());
        for (int i = 0; i < 3; i++) {
            cluster.node(i).start();
        }
        tomcats.nodesUp();
        assertEquals("9", client.get(a, "/count"));
        assertEquals("10", client.get(b, "/count"));
        assertEquals("11", client.get(a, "/count"));
        // one WARN entering degraded mode, per Tomcat, not one per request
        assertEquals(2, logs.count(Level.WARNING, "no memcached node is reachable"), logs.dump());
    }

    /**
     * Issue 12.9: memcached holds a newer copy this Tomcat cannot read (a class it lacks, a newer release). Its own
     * older copy must not serve, or its next change overwrites the newer one: the request gets no session, and
     * memcached keeps the copy for the instances that can read it.
     */
    @Test
    void anUnreadableNewerCopyIsLeftInMemcachedAndTheOlderLocalCopyDoesNotServe() {
        SessionClient client = new SessionClient();
        assertEquals("1", client.get(a, "/count"));
        assertEquals("2", client.get(a, "/count"));
        String id = client.sessionId();
        String key = "mcs:localhost/app:" + id;
        long newer = io.mcsessions.core.Revisions.next(a.manager().store().load(id).record().revision());
        long now = System.currentTimeMillis();
        byte[] unreadable = io.mcsessions.core.internal.SessionEnvelope.session(newer, now, now, now, 1800, "c",
                "written by a release this Tomcat does not have".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .encode();
        cluster.nodes().forEach(node -> node.set(key, unreadable, 1800));

        assertEquals("1", client.get(a, "/count"), "the older local copy served");
        cluster.nodes().forEach(node -> assertTrue(java.util.Arrays.equals(unreadable, node.get(key)),
                "the newer copy was overwritten on " + node));
        assertTrue(logs.count(Level.WARNING, "leaves that copy in memcached") <= 1, logs.dump());
    }

    @Test
    void nonSerializableAttributeStaysInTheLiveSessionAndIsWarnedOnceByName() {
        SessionClient client = new SessionClient();
        client.get(a, "/count");
        client.get(a, "/unserializable");
        assertEquals("true", client.get(a, "/has-unserializable"), "the live session lost the attribute");
        client.get(a, "/count");
        client.get(a, "/unserializable");
        assertEquals("true", client.get(a, "/has-unserializable"));
        assertEquals("3", client.get(b, "/count"), "the rest of the session must still replicate");
        assertEquals("false", client.get(b, "/has-unserializable"));
        String className = CounterServlet.NotSerializableThing.class.getName();
        assertTrue(logs.count(Level.WARNING, className) <= 1, logs.dump());
    }
}
