package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A node address that points at another service (here an HTTP server, as a wrong port would). spymemcached reads
 * a response's body length from its header without checking the header's magic byte and allocates that much:
 * "HTTP/1.1 400 Bad" announces 540 MB, and a 256 MB heap ended its IO thread with an OutOfMemoryError at every
 * reconnect. The store checks what a node answers before it gives the node to spymemcached.
 */
class WrongServiceTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(2);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private ServerSocket http;
    /** What the wrong service answers to anything it is sent. */
    private volatile byte[] answer;
    /** The first bytes of what each connection sent the HTTP server. */
    private final ConcurrentLinkedQueue<byte[]> received = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startHttpServer() throws IOException {
        http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!http.isClosed()) {
                try {
                    Socket socket = http.accept();
                    Thread answer = new Thread(() -> answer(socket));
                    answer.setDaemon(true);
                    answer.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "wrong-service");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void answer(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int read = in.read(buffer);
            if (read > 0) {
                received.add(java.util.Arrays.copyOf(buffer, read));
                socket.getOutputStream().write(answer);
                socket.getOutputStream().flush();
                while (in.read(buffer) > 0) {
                    socket.getOutputStream().write(answer);
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    @AfterEach
    void stopHttpServer() throws IOException {
        http.close();
    }

    /** An HTTP server (540 MB announced), a text-only memcached proxy (7 bytes, then silence), Redis (1.8 GB). */
    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", "ERROR\r\n",
        "-ERR unknown command\r\n"})
    void aNodeThatIsNotMemcachedIsNamedAndNeverGivenAnOperation(String answers) {
        answer = answers.getBytes(StandardCharsets.US_ASCII);
        String wrong = "127.0.0.1:" + http.getLocalPort();
        stores.usedWithThirdNode(cluster, wrong, 300);

        for (byte[] first : received) {
            // A NOOP of 24 bytes (magic 0x80, opcode 0x0a) is the check; anything else was an operation.
            assertTrue(first.length == 24 && first[0] == (byte) 0x80 && first[1] == 0x0a,
                    "the HTTP server was sent more than the check: " + received.size() + " connections, one began "
                            + new String(first, StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", "."));
        }
        assertTrue(received.size() >= 2, "the node is checked again while it is down: " + received.size());
        String warning = StoreFixture.theOneWarning(logs);
        assertTrue(warning.contains("memcached node n3 (" + wrong + ") is down")
                && warning.contains("not memcached's binary protocol")
                && warning.contains(answers.substring(0, 5)), warning);
    }

    @Test
    void theNodeIsUsedOnceMemcachedAnswersAtItsAddress() throws IOException {
        answer = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        int port = http.getLocalPort();
        ReplicatedSessionStore store = stores.start(cluster.nodesString() + ",n3:127.0.0.1:" + port, 2);
        assertEquals(NodeState.DOWN, StoreFixture.stateOf(store, "n3"));

        http.close();
        try (MemcachedCluster fixed = MemcachedCluster.onPorts(port)) {
            fixed.start();
            await("n3 is used once memcached answers there").atMost(Duration.ofSeconds(10))
                    .until(() -> StoreFixture.stateOf(store, "n3"), is(NodeState.UP));
            long revision = Revisions.next(0);
            assertEquals(SaveResult.Outcome.STORED, store.save(record("after", revision)).outcome());
            assertFound(store.load("after"), "after", revision);
        }
    }

    /** memcached started with "-B ascii" (as a text-only proxy would answer): it would leave every operation waiting. */
    @Test
    void aTextOnlyMemcachedIsNamedToo() {
        try (MemcachedCluster textOnly = MemcachedCluster.withNodes(1).extraArgs("-B", "ascii")) {
            textOnly.start();
            stores.usedWithThirdNode(cluster, textOnly.node(0).address(), 100);

            String warning = StoreFixture.theOneWarning(logs);
            assertTrue(warning.contains("not memcached's binary protocol (\"ERROR"), warning);
        }
    }
}
