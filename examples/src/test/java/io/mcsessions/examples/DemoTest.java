package io.mcsessions.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DemoTest {
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    @Test
    void fourInstancesServeTheSampleAndEachPairSharesSessionsAndNothingIsLeftBehind() throws Exception {
        Demo.Ports ports = freePorts();
        List<Long> memcachedPids;
        try (Demo demo = Demo.start(ports)) {
            memcachedPids = demo.memcached().nodes().stream().map(n -> n.pid()).toList();
            for (Instance instance : List.of(demo.tomcats().get(0), demo.tomcats().get(1), demo.jettys().get(0),
                    demo.jettys().get(1))) {
                HttpResponse<String> page = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(instance.url() + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode(), instance.name());
                assertTrue(page.body().contains("Cart on <span class=who>" + instance.name()), page.body());
                HttpResponse<String> status = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create(instance.url() + "/status.json")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(status.body().contains("\"nodes\":["), instance.name() + ": " + status.body());
            }
            assertPairShares(demo.tomcats());
            assertPairShares(demo.jettys());
            assertEquals(0, logs.count(Level.WARNING, "are not signed") + logs.count(Level.INFO, "are not signed"),
                    "the demo signs its values: " + logs.dump());
            assertEquals(4, logs.count(Level.INFO, "session store started"), logs.dump());
        }
        for (long pid : memcachedPids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "memcached " + pid + " lives");
        }
        for (int port : concat(ports)) {
            assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close(),
                    "port " + port + " still listens");
        }
    }

    @Test
    void aBusyPortIsNamedWithTheOptionThatMovesIt() throws Exception {
        Demo.Ports ports = freePorts();
        try (ServerSocket taken = new ServerSocket(ports.tomcat()[1], 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Demo.start(ports));
            assertTrue(e.getMessage().startsWith("port " + ports.tomcat()[1] + " on 127.0.0.1 is busy; choose other "
                    + "ports with --tomcat-ports="), e.getMessage());
        }
    }

    @Test
    void theTourRunsToTheEndWithoutAFailedRequestOrACounterGoingBack() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(captured, System.out), true, StandardCharsets.UTF_8);
        boolean clean;
        try (Demo demo = Demo.start(freePorts())) {
            clean = new Tour(demo, out).run();
        }
        String tour = captured.toString(StandardCharsets.UTF_8);
        assertTrue(clean, tour);
        for (int step = 1; step <= 8; step++) {
            assertTrue(tour.contains("== " + step + ". "), "step " + step + " is missing:\n" + tour);
        }
        assertTrue(tour.contains("Tour finished:"), tour);
        assertTrue(tour.contains("is down"), "the tour shows the warnings the instances logged:\n" + tour);
    }

    private static void assertPairShares(List<Instance> pair) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        HttpResponse<String> added = browser.send(HttpRequest.newBuilder(
                URI.create(pair.get(0).url() + "/api/cart/add?item=book")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, added.statusCode());
        assertTrue(added.body().contains("\"count\":1"), added.body());
        HttpResponse<String> seen = browser.send(HttpRequest.newBuilder(URI.create(pair.get(1).url() + "/api/cart"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(seen.body().contains("\"count\":1") && seen.body().contains("\"item\":\"book\""),
                pair.get(1).name() + " sees " + seen.body());
    }

    private static Demo.Ports freePorts() throws IOException {
        int[] all = new int[7];
        ServerSocket[] held = new ServerSocket[7];
        try {
            for (int i = 0; i < all.length; i++) {
                held[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                all[i] = held[i].getLocalPort();
            }
        } finally {
            for (ServerSocket socket : held) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
        return new Demo.Ports(new int[] {all[0], all[1], all[2]}, new int[] {all[3], all[4]},
                new int[] {all[5], all[6]});
    }

    private static int[] concat(Demo.Ports ports) {
        return java.util.stream.IntStream.concat(java.util.Arrays.stream(ports.memcached()),
                java.util.stream.IntStream.concat(java.util.Arrays.stream(ports.tomcat()),
                        java.util.Arrays.stream(ports.jetty()))).toArray();
    }

    /** Writes to two streams: the test keeps the tour's output and CI's log shows it. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            a.write(bytes, off, len);
            b.write(bytes, off, len);
        }
    }
}
