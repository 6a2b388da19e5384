package io.mcsessions.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wrk script sends what the Java generator sends: a cookie of one of the given sessions on every request, and
 * the mix's share of writes. Checked against a plain JDK HTTP server that records what it got, where wrk is
 * installed ({@code ./bench.sh} installs it; the test machine need not have it).
 */
class WrkLoadTest {

    @Test
    void everyRequestNamesAGivenSessionAndTenPercentWrite(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(WrkLoad.binary().isPresent(),
                "wrk is not installed (Debian package wrk; ./bench.sh installs it): the wrk script is not checked");
        List<String> ids = List.of("AAAA1111", "BBBB2222", "CCCC3333");
        Path sessions = dir.resolve("sessions.txt");
        Files.write(sessions, ids);
        // The JDK server otherwise leaves Nagle on, and each response waits for a delayed ACK (about 25 a second).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        Set<String> cookies = ConcurrentHashMap.newKeySet();
        Map<String, AtomicLong> paths = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/bench", exchange -> {
            cookies.add(String.valueOf(exchange.getRequestHeaders().getFirst("Cookie")));
            paths.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicLong()).incrementAndGet();
            byte[] body = "1".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
        server.start();
        try {
            WrkLoad wrk = WrkLoad.prepare(dir);
            WrkLoad.Outcome outcome = wrk.run(new WrkLoad.Settings(server.getAddress().getPort(), sessions,
                    Mix.READS_90, 4, Duration.ZERO, Duration.ofSeconds(2)), LoadGenerator.Window.NONE);

            assertEquals(0, outcome.load().errors(), outcome.load().firstError());
            assertTrue(outcome.load().requests() >= 1_000, "wrk sent " + outcome.load().requests() + " requests");
            assertTrue(outcome.cpuMicros() > 0, "wrk's CPU time was read");
            assertEquals(Set.of("JSESSIONID=AAAA1111", "JSESSIONID=BBBB2222", "JSESSIONID=CCCC3333"), cookies);
            long writes = paths.getOrDefault(Mix.WRITE_PATH, new AtomicLong()).get();
            long reads = paths.getOrDefault(Mix.READ_PATH, new AtomicLong()).get();
            double share = (double) writes / (writes + reads);
            // 10% of at least 1,000 requests: 0.06 and 0.14 are more than four standard deviations away.
            assertTrue(share > 0.06 && share < 0.14, "write share " + share + " (" + writes + " of "
                    + (writes + reads) + ")");
        } finally {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
