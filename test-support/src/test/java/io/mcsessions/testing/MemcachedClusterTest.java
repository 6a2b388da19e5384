package io.mcsessions.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MemcachedClusterTest {

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    private static final byte[] VALUE = "session-bytes".getBytes(UTF_8);

    @Test
    void nodesStringListsIdsAndAddressesInOrder() {
        String expected = "n1:127.0.0.1:" + cluster.node(0).port() + ",n2:127.0.0.1:" + cluster.node(1).port()
                + ",n3:127.0.0.1:" + cluster.node(2).port();
        assertEquals(expected, cluster.nodesString());
        assertEquals(3, cluster.size());
        assertEquals(cluster.nodes(), java.util.List.of(cluster.node(0), cluster.node(1), cluster.node(2)));
        assertEquals("127.0.0.1:" + cluster.node(1).port(), cluster.node(1).address());
        assertEquals(3, cluster.nodes().stream().mapToInt(MemcachedNode::port).distinct().count());
    }

    @Test
    void rawClientStoresReadsAndDeletesWhatTheServerHolds() {
        MemcachedNode node = cluster.node(0);
        node.set("k1", VALUE, 0);
        node.setRaw("k2", new byte[] {0, 13, 10, -1}, 42, 60);

        assertArrayEquals(VALUE, node.get("k1"));
        assertArrayEquals(new byte[] {0, 13, 10, -1}, node.get("k2"));
        assertNull(cluster.node(1).get("k1"), "each node is its own server");
        assertTrue(node.delete("k1"));
        assertFalse(node.delete("k1"));
        assertNull(node.get("k1"));
        assertEquals(Long.toString(node.pid()), node.stats().get("pid"));
    }

    @Test
    void killedNodeRefusesConnectionsAndRestartsEmptyOnTheSamePort() throws Exception {
        MemcachedNode node = cluster.node(1);
        node.set("k", VALUE, 0);
        long firstPid = node.pid();
        int port = node.port();

        node.kill();

        assertFalse(node.isRunning());
        assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
        assertThrows(ConnectException.class, () -> new Socket(node.host(), port).close());
        IllegalStateException down = assertThrows(IllegalStateException.class, () -> node.get("k"));
        assertTrue(down.getMessage().contains("is down"), down.getMessage());

        node.restart();

        assertTrue(node.isRunning());
        assertEquals(port, node.port());
        assertNotEquals(firstPid, node.pid());
        assertNull(node.get("k"), "a restarted node is empty");
        assertEquals(Long.toString(node.pid()), node.stats().get("pid"));
    }

    @Test
    void restartReplacesARunningProcessWithAnEmptyOne() {
        MemcachedNode node = cluster.node(0);
        node.set("k", VALUE, 0);
        long firstPid = node.pid();

        node.restart();

        assertNotEquals(firstPid, node.pid());
        assertFalse(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false));
        assertNull(node.get("k"));
    }

    @Test
    void pausedNodeKeepsDataAndOpenConnectionsAndAnswersAfterResume() throws Exception {
        MemcachedNode node = cluster.node(2);
        node.set("k", VALUE, 0);
        try (WireConnection openBeforePause = WireConnection.to(node, 300)) {
            assertTrue(openBeforePause.version().startsWith("VERSION "));

            node.pause();

            assertTrue(node.isPaused());
            assertTrue(node.isRunning());
            IllegalStateException paused = assertTimeoutPreemptively(Duration.ofSeconds(2),
                    () -> assertThrows(IllegalStateException.class, () -> node.get("k")));
            assertTrue(paused.getMessage().contains("paused"), paused.getMessage());
            openBeforePause.send("version\r\n");
            assertThrows(SocketTimeoutException.class, openBeforePause::read, "a stopped process answers nothing");

            node.resume();
            openBeforePause.readTimeout(2_000);

            assertFalse(node.isPaused());
            assertTrue(openBeforePause.readLine().startsWith("VERSION "), "the open connection survived the pause");
            assertArrayEquals(VALUE, node.get("k"));
        }
    }

    @Test
    void resetStartsResumesAndFlushesEveryNode() {
        cluster.nodes().forEach(node -> node.set("k", VALUE, 0));
        cluster.node(0).pause();
        cluster.node(1).kill();

        cluster.reset();

        for (MemcachedNode node : cluster.nodes()) {
            assertTrue(node.isRunning(), node + " runs");
            assertFalse(node.isPaused(), node + " is resumed");
            assertNull(node.get("k"), node + " is empty");
        }
    }

    @Test
    void startRetriesWhileThePortIsBrieflyBusy() throws Exception {
        MemcachedNode node = cluster.node(0);
        node.kill();
        int launchesBefore = node.launches();
        Thread starter;
        try (java.net.ServerSocket squatter = new java.net.ServerSocket()) {
            squatter.bind(new java.net.InetSocketAddress(node.host(), node.port()));
            starter = new Thread(node::start);
            starter.start();
            Polling.await("a second attempt follows the failed bind").atMost(Duration.ofSeconds(3))
                    .until(node::launches, greaterThanOrEqualTo(launchesBefore + 2));
        }
        starter.join(5_000);

        assertFalse(starter.isAlive());
        assertTrue(node.isRunning());
        assertTrue(node.stats().containsKey("pid"));
    }

    @Test
    void refusedAddressRefusesConnections() {
        String address = MemcachedCluster.refusedAddress();
        assertTrue(address.startsWith("127.0.0.1:"), address);
        int port = Integer.parseInt(address.substring("127.0.0.1:".length()));
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }
}
