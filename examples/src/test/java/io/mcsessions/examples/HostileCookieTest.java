package io.mcsessions.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Session ids a client makes up (spaces, control characters, 4 KB, non-ASCII, key-injection attempts) reach the
 * store through Tomcat and Jetty as they are: no 5xx, and the request gets a fresh session. Sent over a raw
 * socket, because HTTP clients refuse to send such headers.
 */
class HostileCookieTest {
    private static Demo demo;

    @BeforeAll
    static void start() throws Exception {
        int[] ports = new int[7];
        for (int i = 0; i < ports.length; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports[i] = socket.getLocalPort();
            }
        }
        demo = Demo.start(new Demo.Ports(new int[] {ports[0], ports[1], ports[2]}, new int[] {ports[3], ports[4]},
                new int[] {ports[5], ports[6]}));
    }

    @AfterAll
    static void stop() {
        demo.close();
    }

    static List<String> madeUpIds() {
        return List.of("has space", "tab\there", "crlf\r\nset injected 0 0 1\r\nX", "x".repeat(4096), "ünïcödé-σ",
                "~lock", "..%2f..%2f", "\u0000nul");
    }

    @ParameterizedTest
    @MethodSource("madeUpIds")
    void aMadeUpSessionIdIsAFreshSessionNeverAServerError(String id) throws IOException {
        for (Instance instance : List.of(demo.tomcats().get(0), demo.jettys().get(1))) {
            String cookie = instance.name().startsWith("jetty") ? DemoJetty.COOKIE : "JSESSIONID";
            String read = send(instance, "GET", "/api/cart", cookie, id);
            assertTrue(!read.startsWith("HTTP/1.1 5"), instance.name() + " answered " + firstLine(read));
            String added = send(instance, "POST", "/api/cart/add?item=x", cookie, id);
            assertTrue(added.startsWith("HTTP/1.1 200") || added.startsWith("HTTP/1.1 400"),
                    instance.name() + " answered " + firstLine(added));
            if (added.startsWith("HTTP/1.1 200")) {
                assertTrue(added.contains("\"count\":1"), instance.name() + " did not start a fresh session: " + added);
            }
        }
        demo.memcached().nodes().forEach(node -> assertTrue(node.get("injected") == null, "a key was injected"));
    }

    private static String send(Instance instance, String method, String path, String cookie, String id)
            throws IOException {
        URI base = URI.create(instance.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((method + " " + base.getPath() + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + cookie + "=")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(id.getBytes(StandardCharsets.UTF_8));
            out.write("\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String firstLine(String response) {
        int end = response.indexOf('\r');
        return end < 0 ? response : response.substring(0, end);
    }
}
