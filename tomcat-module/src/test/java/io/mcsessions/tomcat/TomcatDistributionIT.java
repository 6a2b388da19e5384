package io.mcsessions.tomcat;

import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.FileTrees;
import io.mcsessions.testing.MemcachedCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drop-in story end to end: the real Tomcat 11 distribution from Maven Central, two instances with their
 * own CATALINA_BASE, the {@code -all.jar} in lib, the Manager in context.xml, three real memcached nodes plus one
 * address that refuses connections, N=2, and a webapp whose session holds a class only the webapp can see.
 */
class TomcatDistributionIT {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    private static final String PREFIX = "mcs:localhost/app:";
    private final String refused = MemcachedCluster.refusedAddress();
    private CatalinaBase a;
    private CatalinaBase b;
    private Path work;
    private final SessionClient client = new SessionClient();
    private int expected;

    private void startTwoTomcats() throws IOException {
        startTwoTomcats(",n4:" + refused, 500);
    }

    private void startTwoTomcats(String extraNodes, long retryInterval) throws IOException {
        startTwoTomcats(extraNodes, retryInterval, "");
    }

    private void startTwoTomcats(String extraNodes, long retryInterval, String moreAttributes) throws IOException {
        Path home = Path.of(System.getProperty("mcsessions.tomcatHome"));
        Path allJar = Path.of(System.getProperty("mcsessions.allJar"));
        assertTrue(Files.isRegularFile(home.resolve("bin/bootstrap.jar")), "no Tomcat distribution at " + home);
        assertTrue(Files.isRegularFile(allJar), "no -all.jar at " + allJar);
        work = Path.of("target", "it-tomcat").toAbsolutePath();
        FileTrees.delete(work);
        Files.createDirectories(work);
        Path classes = webappClasses(work.resolve("webapp-classes"));
        String manager = "<Manager className=\"io.mcsessions.tomcat.MemcachedSessionManager\" memcachedNodes=\""
                + cluster.nodesString() + extraNodes + "\" redundancy=\"2\" sticky=\"false\" "
                + "operationTimeout=\"300\" retryInterval=\"" + retryInterval + "\" " + moreAttributes + "/>";
        a = new CatalinaBase(home, Files.createDirectories(work.resolve("base-a")), allJar, classes, manager);
        b = new CatalinaBase(home, Files.createDirectories(work.resolve("base-b")), allJar, classes, manager);
        a.start();
        b.start();
    }

    @AfterEach
    void stopTomcats() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static Path webappClasses(Path dir) throws IOException {
        FileTrees.delete(dir);
        Path servletDir = Files.createDirectories(dir.resolve("io/mcsessions/tomcat"));
        Path testClasses = Path.of(System.getProperty("mcsessions.testClasses"), "io/mcsessions/tomcat");
        for (String name : List.of("CounterServlet.class", "CounterServlet$NotSerializableThing.class")) {
            Files.copy(testClasses.resolve(name), servletDir.resolve(name));
        }
        EmbeddedTomcat.WEBAPP_ONLY.copyTo(dir);
        return dir;
    }

    /** One request that must answer 200 with the counter one higher than before. */
    private void count(CatalinaBase tomcat) {
        expected++;
        assertEquals(String.valueOf(expected), client.getOk(tomcat.url("/count")), "request " + expected + " on "
                + tomcat.base().getFileName());
    }

    private void alternate(int requests) {
        for (int i = 0; i < requests; i++) {
            count(i % 2 == 0 ? a : b);
        }
    }

    private boolean someNodeHolds(String id) {
        return cluster.nodes().stream().anyMatch(n -> n.isRunning() && !n.isPaused()
                && n.get(PREFIX + id) != null);
    }

    /** Restarts killed nodes (empty) and waits, bounded, until both Tomcats have logged them back up. */
    private void restartAndAwaitBackUp(int... nodes) throws IOException {
        long[] before = {backUpLines(a), backUpLines(b)};
        for (int node : nodes) {
            cluster.node(node).start();
        }
        await("both Tomcats log the restarted nodes back up").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50)).untilAsserted(() -> assertTrue(
                        backUpLines(a) >= before[0] + nodes.length && backUpLines(b) >= before[1] + nodes.length,
                        () -> "not yet; the logs:\n" + a.logs() + b.logs()));
    }

    /** Waits, bounded, until in both catalina logs the last transition of n1..n3 is not "is down". */
    private void awaitBothSeeAllNodesUp() {
        await("both Tomcats see n1..n3 up").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertTrue(seesAllUp(a) && seesAllUp(b), () -> "not yet; the logs:\n" + a.logs()
                        + b.logs()));
    }

    private static boolean seesAllUp(CatalinaBase tomcat) throws IOException {
        List<String> log = tomcat.catalinaLog();
        for (int i = 1; i <= 3; i++) {
            String node = "memcached node n" + i + " (";
            String last = "";
            for (String line : log) {
                if (line.contains(node) && (line.contains(") is down") || line.contains(") is back up"))) {
                    last = line;
                }
            }
            if (last.contains(") is down")) {
                return false;
            }
        }
        return true;
    }

    private static long backUpLines(CatalinaBase tomcat) throws IOException {
        return tomcat.catalinaLog().stream().filter(l -> l.contains("is back up")).count();
    }

    @Test
    void sessionCounterSurvivesEveryFailureAcrossTwoRealTomcats() throws IOException {
        startTwoTomcats();
        alternate(10); // n4 refuses connections from the start
        String id = client.sessionId();

        cluster.node(0).kill();
        alternate(6);
        cluster.node(1).kill();
        alternate(6);

        restartAndAwaitBackUp(0, 1); // back, empty
        alternate(6);
        int stale = -1;
        for (int i = 0; i < 3 && stale < 0; i++) {
            if (cluster.node(i).get(PREFIX + id) != null) {
                stale = i;
            }
        }
        assertTrue(stale >= 0, "no node holds the session");
        cluster.node(stale).pause(); // keeps its copy while the counter moves on
        alternate(6);
        cluster.node(stale).resume();
        alternate(6);

        count(a); // the Tomcat that keeps serving holds the newest copy
        for (int i = 0; i < 3; i++) {
            cluster.node(i).kill();
        }
        for (int i = 0; i < 6; i++) {
            count(a);
        }
        for (int i = 0; i < 3; i++) {
            cluster.node(i).start();
        }
        // Requests stay on the same Tomcat until it has written the session through to a returned node...
        await("the session is written through to a returned node").atMost(Duration.ofSeconds(20)).until(() -> {
            count(a);
            return someNodeHolds(id);
        });
        // ...and until the other Tomcat reads it from memcached (read-only requests: they change nothing).
        String newest = String.valueOf(expected);
        await("the other Tomcat reads the newest session from memcached").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50)).until(() -> client.getOk(b.url("/read")), is(newest));
        awaitBothSeeAllNodesUp();
        alternate(6);

        assertEquals("invalidated", client.getOk(a.url("/invalidate")));
        client.useSessionId(id);
        assertEquals("none", client.getOk(b.url("/read")), "the invalidated session is still served by the other");
        assertEquals("none", client.getOk(a.url("/read")));

        SessionClient second = new SessionClient();
        assertEquals("1", second.getOk(b.url("/count")));
        String oldId = second.sessionId();
        String newId = second.getOk(a.url("/rotate"));
        assertNotEquals(oldId, newId);
        assertEquals("2", second.getOk(b.url("/count")), "the rotated session lost its data on the other Tomcat");
        SessionClient old = new SessionClient();
        old.useSessionId(oldId);
        assertEquals("none", old.getOk(b.url("/read")), "the old id still loads on the other Tomcat");
        assertEquals("none", old.getOk(a.url("/read")));

        // The store published for status pages crosses from the common loader (lib/) to the webapp's.
        assertEquals("/app 4 nodes, degraded false", client.getOk(a.url("/store")));

        for (CatalinaBase tomcat : List.of(a, b)) {
            List<String> catalina = tomcat.catalinaLog();
            assertTrue(catalina.stream().anyMatch(l -> l.contains("WARNING") && l.contains("n4")
                    && l.contains(refused)), "no WARN naming the refused node in the catalina log of "
                    + tomcat.base() + ":\n" + String.join("\n", catalina));
            String logs = tomcat.logs();
            assertFalse(logs.contains("SEVERE"), "a SEVERE line in " + tomcat.base() + ":\n" + logs);
            assertFalse(logs.contains("io.mcsessions.shaded.net.spy.memcached.MemcachedConnection"),
                    "spymemcached logs on its own instead of through mcsessions:\n" + logs);
        }
    }

    /**
     * Issue 12.1: b sits idle while every node is killed and restarted (empty); 3 s later a session starts on a and
     * its next request goes to b. b's connections died meanwhile: it must dial again, not take every node down and
     * serve from its own copies.
     */
    @Test
    void aTomcatIdleWhileEveryNodeRestartedServesItsNextRequestsFromMemcached() throws Exception {
        startTwoTomcats("", 2000);
        alternate(3); // both Tomcats used their connections; a served last, so it holds the newest copy
        String before = client.sessionId();

        cluster.killAll(); // while only a gets requests
        for (int i = 0; i < 3; i++) {
            count(a);
        }
        for (int i = 0; i < 3; i++) {
            cluster.node(i).start(); // back, empty
        }
        Thread.sleep(3_000); // past the retry interval: users come back some time later

        SessionClient second = new SessionClient();
        assertEquals("1", second.getOk(a.url("/count")));
        assertEquals("2", second.getOk(b.url("/count")), "the idle Tomcat answered with a new session");
        assertEquals("invalidated", second.getOk(a.url("/invalidate")));
        assertEquals("none", second.getOk(b.url("/read")), "the idle Tomcat still serves a session ended on the other");

        SessionClient third = new SessionClient();
        assertEquals("1", third.getOk(a.url("/count")));
        String oldId = third.sessionId();
        third.getOk(a.url("/rotate"));
        assertEquals("2", third.getOk(b.url("/count")), "the rotated session on the idle Tomcat");
        SessionClient old = new SessionClient();
        old.useSessionId(oldId);
        assertEquals("none", old.getOk(b.url("/read")),
                "the old id after changeSessionId still loads on the idle Tomcat");
        assertNotEquals(before, oldId);
    }

    @Test
    void relocatedSpymemcachedStillFindsTheLoggerPropertyThatCoreSets() throws IOException {
        String property = "io.mcsessions.shaded.net.spy.log.LoggerImpl";
        try (JarFile jar = new JarFile(System.getProperty("mcsessions.allJar"))) {
            for (String entry : List.of("io/mcsessions/core/internal/SpyLogger.class",
                    "io/mcsessions/shaded/net/spy/memcached/compat/log/LoggerFactory.class")) {
                assertTrue(jar.getEntry(entry) != null, "missing " + entry);
                String bytes = new String(jar.getInputStream(jar.getEntry(entry)).readAllBytes(),
                        StandardCharsets.ISO_8859_1);
                assertTrue(bytes.contains(property), entry + " does not use " + property);
            }
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("net/spy/")), "unrelocated spymemcached");
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("org/apache/")), "Tomcat classes in the jar");
        }
    }

    @Test
    void twoRealTomcatsShareSessionsWrittenWithTheBundledKryo() throws IOException {
        // msm's Kryo users copy one jar: Kryo, Objenesis, MinLog and ReflectASM are in it, relocated.
        startTwoTomcats("", 500, "serializer=\"kryo\" sessionAttributeFilter=\"counter\"");
        alternate(10);
        assertTrue(a.logs().contains("session store started"), a.logs());
        try (JarFile jar = new JarFile(System.getProperty("mcsessions.allJar"))) {
            assertTrue(jar.getEntry("io/mcsessions/shaded/com/esotericsoftware/kryo/Kryo.class") != null);
            assertTrue(jar.getEntry("io/mcsessions/shaded/org/objenesis/Objenesis.class") != null);
            assertTrue(jar.stream().noneMatch(e -> e.getName().startsWith("com/esotericsoftware/")
                    || e.getName().startsWith("org/objenesis/")), "unrelocated Kryo");
        }
    }
}
