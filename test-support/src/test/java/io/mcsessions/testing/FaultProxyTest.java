package io.mcsessions.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultProxyTest {

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(1);

    private static final int READ_TIMEOUT_MILLIS = 2_000;

    private FaultProxy proxy;

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.start(cluster.node(0).host(), cluster.node(0).port());
    }

    @AfterEach
    void closeProxy() {
        proxy.close();
    }

    @Test
    void passThroughForwardsARawVersionCommand() throws IOException {
        assertEquals("127.0.0.1:" + proxy.port(), proxy.address());
        try (WireConnection connection = WireConnection.to(proxy, READ_TIMEOUT_MILLIS)) {
            assertEquals(directVersion(), connection.version());
        }
    }

    @Test
    void latencyDelaysResponsesOnAnAlreadyOpenConnection() throws IOException {
        Duration delay = Duration.ofMillis(500);
        try (WireConnection connection = WireConnection.to(proxy, READ_TIMEOUT_MILLIS)) {
            connection.version();

            proxy.latency(delay);
            long delayed = timedVersion(connection);
            proxy.passThrough();
            long undelayed = timedVersion(connection);

            assertTrue(delayed >= delay.toMillis(), "with latency the answer took " + delayed + " ms");
            assertTrue(undelayed < delay.toMillis(), "after passThrough the answer took " + undelayed + " ms");
        }
    }

    @Test
    void requestLatencyDelaysWhatReachesTheServerNotWhatOthersSee() throws IOException {
        proxy.requestLatency(Duration.ofMillis(500));
        try (WireConnection connection = WireConnection.to(proxy, READ_TIMEOUT_MILLIS)) {
            long sent = System.nanoTime();
            connection.send("set late 0 0 1\r\nx\r\n");
            assertNull(cluster.node(0).get("late"), "the write reached the server before its delay");
            assertEquals("STORED", connection.readLine());
            long took = Duration.ofNanos(System.nanoTime() - sent).toMillis();
            proxy.passThrough();

            assertTrue(took >= 500, "with request latency the write was answered after " + took + " ms");
            assertArrayEquals(new byte[] {'x'}, cluster.node(0).get("late"));
            assertTrue(timedVersion(connection) < 500, "after passThrough requests are not delayed");
        }
    }

    @Test
    void resetConnectionsResetsOpenConnectionsThenPassesThrough() throws IOException {
        try (WireConnection open = WireConnection.to(proxy, READ_TIMEOUT_MILLIS)) {
            open.version();

            proxy.resetConnections();

            SocketException reset = assertThrows(SocketException.class, open::read);
            assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
        }
        try (WireConnection fresh = WireConnection.to(proxy, READ_TIMEOUT_MILLIS)) {
            assertEquals(directVersion(), fresh.version());
        }
    }

    @Test
    void resetMidResponseDeliversPartOfOneResponseThenResets() throws IOException {
        byte[] value = new byte[4_000];
        Arrays.fill(value, (byte) 'v');
        cluster.node(0).set("big", value, 0);
        ByteArrayOutputStream fullResponse = new ByteArrayOutputStream();
        fullResponse.writeBytes("VALUE big 0 4000\r\n".getBytes(US_ASCII));
        fullResponse.writeBytes(value);
        fullResponse.writeBytes("\r\nEND\r\n".getBytes(US_ASCII));
        byte[] full = fullResponse.toByteArray();

        proxy.resetMidResponse();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (WireConnection connection = WireConnection.to(proxy, READ_TIMEOUT_MILLIS)) {
            connection.send("get big\r\n");
            assertThrows(SocketException.class, () -> connection.readUntilFailure(received));
        }

        int arrived = received.size();
        assertTrue(arrived > 0 && arrived < full.length, arrived + " of " + full.length + " bytes arrived");
        assertArrayEquals(Arrays.copyOf(full, arrived), received.toByteArray(), "what arrived is the start of the response");
        try (WireConnection next = WireConnection.to(proxy, READ_TIMEOUT_MILLIS)) {
            next.send("get big\r\n");
            assertEquals("VALUE big 0 4000", next.readLine(), "only one response is cut");
        }
    }

    @Test
    void garbageReplacesResponsesWithOtherBytes() throws IOException {
        String real = directVersion() + "\r\n";
        try (WireConnection connection = WireConnection.to(proxy, READ_TIMEOUT_MILLIS)) {
            proxy.garbage();
            connection.send("version\r\n");
            byte[] answer = connection.readUpTo(real.length());

            assertEquals(real.length(), answer.length, "garbage as long as the response arrives");
            assertFalse(Arrays.equals(real.getBytes(US_ASCII), answer), "the response was replaced");
        }
    }

    @Test
    void blackholeNeitherForwardsNorAnswersUntilSwitchedBack() throws IOException {
        try (WireConnection connection = WireConnection.to(proxy, 300)) {
            proxy.blackhole();
            String request = "set swallowed 0 0 1\r\nx\r\n";
            connection.send(request);
            awaitSwallowed(request.length());
            assertThrows(SocketTimeoutException.class, connection::read);

            proxy.passThrough();
            connection.readTimeout(READ_TIMEOUT_MILLIS);

            assertEquals(directVersion(), connection.version(), "the swallowed request got no late answer");
            assertNull(cluster.node(0).get("swallowed"), "the swallowed request never reached the server");
        }
    }

    @Test
    void refuseRefusesNewConnectionsAndAcceptReopensTheSamePort() throws IOException {
        int port = proxy.port();
        try (WireConnection open = WireConnection.to(proxy, READ_TIMEOUT_MILLIS)) {
            open.version();

            proxy.refuse();

            assertThrows(ConnectException.class, () -> WireConnection.to(proxy, READ_TIMEOUT_MILLIS).close());
            assertThrows(SocketException.class, open::read, "open connections are reset");
        }

        proxy.accept();

        assertEquals(port, proxy.port());
        try (WireConnection again = WireConnection.to(proxy, READ_TIMEOUT_MILLIS)) {
            assertEquals(directVersion(), again.version());
        }
    }

    @Test
    void connectionToADownTargetIsReset() throws IOException {
        String refused = MemcachedCluster.refusedAddress();
        int refusedPort = Integer.parseInt(refused.substring(refused.indexOf(':') + 1));
        try (FaultProxy toNothing = FaultProxy.start("127.0.0.1", refusedPort)) {
            // The reset may hit the connect, the write or the read, depending on how fast the proxy is.
            assertThrows(SocketException.class, () -> {
                try (WireConnection connection = WireConnection.to(toNothing, READ_TIMEOUT_MILLIS)) {
                    connection.send("version\r\n");
                    connection.read();
                }
            });
        }
    }

    @Test
    void closedProxyRefusesConnectionsAndModeChanges() {
        proxy.close();

        assertThrows(ConnectException.class, () -> WireConnection.to(proxy, READ_TIMEOUT_MILLIS).close());
        assertThrows(IllegalStateException.class, proxy::garbage);
    }

    /** The proxy reads on its own thread; wait until it has taken the request, so switching back cannot forward it. */
    private void awaitSwallowed(int bytes) {
        Polling.await("the proxy read and dropped " + bytes + " bytes").atMost(Duration.ofSeconds(5))
                .until(proxy::swallowedBytes, greaterThanOrEqualTo((long) bytes));
        assertEquals(bytes, proxy.swallowedBytes(), "bytes the proxy read and dropped");
    }

    private static String directVersion() throws IOException {
        try (WireConnection direct = WireConnection.to(cluster.node(0), READ_TIMEOUT_MILLIS)) {
            String version = direct.version();
            assertTrue(version.startsWith("VERSION "), version);
            return version;
        }
    }

    private static long timedVersion(WireConnection connection) throws IOException {
        long start = System.nanoTime();
        String answer = connection.version();
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(answer.startsWith("VERSION "), answer);
        return millis;
    }
}
