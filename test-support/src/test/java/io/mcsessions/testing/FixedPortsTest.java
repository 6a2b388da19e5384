package io.mcsessions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FixedPortsTest {

    @Test
    void nodesStartOnTheGivenPorts() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (MemcachedCluster cluster = MemcachedCluster.onPorts(port)) {
            cluster.start();
            assertEquals(port, cluster.node(0).port());
            assertEquals("n1:127.0.0.1:" + port, cluster.nodesString());
        }
    }

    @Test
    void aTakenPortFailsWithAMessageNamingIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             MemcachedCluster cluster = MemcachedCluster.onPorts(taken.getLocalPort())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, cluster::start);
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
        }
    }
}
