package io.mcsessions.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.FaultProxy;
import io.mcsessions.testing.MachinePause;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.io.IOException;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chaos suite: two Tomcats, three memcached nodes (the third behind a fault proxy), two copies per session,
 * 32 clients for 60 seconds while faults are scripted: kill -9, restart empty, a pause of the whole machine,
 * SIGSTOP/SIGCONT (stale data), connection resets and latency through the proxy, and every node down (clients
 * stay on the instance that served them last during that phase). Every client checks that its counter only ever goes up by one. The report is
 * printed and written to {@code target/chaos-report.md}; any non-zero failure count fails the test.
 */
@Tag("chaos")
class ChaosTest {
    private static final int CLIENTS = 32;
    private static final Duration RUN = Duration.ofSeconds(60);
    private static final int INVALIDATE_EVERY = 40;
    private static final Pattern COUNT = Pattern.compile("\"count\":(\\d+)");

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lostUpdates = new AtomicLong();
    private final AtomicLong staleReads = new AtomicLong();
    private final AtomicLong lostSessions = new AtomicLong();
    private final AtomicLong resurrected = new AtomicLong();
    private final AtomicLong invalidations = new AtomicLong();
    private final List<String> firstProblems = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stayOnLastInstance;
    /** Counts down as each client starts a request after {@link #stayOnLastInstance} was set. */
    private final CountDownLatch clientsStaying = new CountDownLatch(CLIENTS);
    private volatile long startNanos = System.nanoTime();
    private volatile boolean running = true;

    @Test
    void thirtyTwoClientsSeeNoFailureNoLostUpdateNoStaleReadAndNoResurrectedSessionUnderScriptedFaults()
            throws Exception {
        List<String> timeline = new ArrayList<>();
        try (FaultProxy proxy = FaultProxy.start(cluster.node(2).host(), cluster.node(2).port())) {
            String nodes = "n1:" + cluster.node(0).address() + ",n2:" + cluster.node(1).address() + ",n3:"
                    + proxy.address();
            List<Instance> tomcats = List.of(DemoTomcat.start("tomcat-a", freePort(), nodes),
                    DemoTomcat.start("tomcat-b", freePort(), nodes));
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    running.add(clients.submit(() -> client(client, tomcats)));
                }
                script(timeline, proxy, tomcats);
                this.running = false;
                for (Future<?> f : running) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                clients.shutdownNow();
                tomcats.forEach(Instance::close);
            }
        }
        String report = report(timeline);
        System.out.println(report);
        Files.writeString(Path.of("target", "chaos-report.md"), report);
        assertTrue(requests.get() > 10_000, "too few requests to mean anything: " + requests.get());
        assertEquals(0, failures.get() + lostUpdates.get() + staleReads.get() + lostSessions.get() + resurrected.get(),
                report);
    }

    /** One browser: its own session, alternating between the Tomcats, invalidating now and then. */
    private void client(int id, List<Instance> tomcats) {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5)).build();
        int expected = 0;
        int last = 0;
        int sinceInvalidation = 0;
        boolean justInvalidated = false;
        boolean stayAcknowledged = false;
        while (running) {
            boolean stay = stayOnLastInstance;
            if (stay && !stayAcknowledged) {
                stayAcknowledged = true; // the request before this one, sent to either Tomcat, has ended
                clientsStaying.countDown();
            }
            int which = stay ? last : (int) (requests.get() + id) % 2;
            Instance tomcat = tomcats.get(which);
            try {
                if (sinceInvalidation == INVALIDATE_EVERY && !stay) {
                    post(browser, tomcat.url() + "/api/session/invalidate");
                    // The instance that served it last: if every node dies now, only this one knows it ended.
                    last = which;
                    invalidations.incrementAndGet();
                    sinceInvalidation = 0;
                    expected = 0;
                    justInvalidated = true;
                    continue;
                }
                HttpResponse<String> response = post(browser, tomcat.url() + "/api/cart/add?item=x");
                requests.incrementAndGet();
                last = which;
                if (response.statusCode() != 200) {
                    problem(failures, id, tomcat, "HTTP " + response.statusCode());
                    continue;
                }
                int count = count(response.body());
                if (count == expected + 1) {
                    expected = count;
                } else if (justInvalidated && count > 1) {
                    problem(resurrected, id, tomcat, "got " + count + " items after invalidating");
                    expected = count;
                } else if (count == expected) {
                    problem(lostUpdates, id, tomcat, "still " + count + " items: the previous add was lost");
                } else if (count == 1) {
                    problem(lostSessions, id, tomcat, "a new session after " + expected + " items");
                    expected = 1;
                } else {
                    problem(staleReads, id, tomcat, count + " items where " + (expected + 1) + " were due");
                    expected = count;
                }
                justInvalidated = false;
                sinceInvalidation++;
            } catch (IOException e) {
                requests.incrementAndGet();
                problem(failures, id, tomcat, e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void script(List<String> timeline, FaultProxy proxy, List<Instance> tomcats) throws Exception {
        long start = System.nanoTime();
        startNanos = start;
        List<MemcachedNode> nodes = cluster.nodes();
        at(start, 5, timeline, "kill -9 n1", () -> nodes.get(0).kill());
        at(start, 11, timeline, "restart n1 empty", () -> nodes.get(0).restart());
        at(start, 14, timeline, "1 s pause of the whole machine (this JVM and every node)",
                () -> MachinePause.pause(Duration.ofSeconds(1), nodes));
        at(start, 17, timeline, "SIGSTOP n2", () -> nodes.get(1).pause());
        at(start, 23, timeline, "SIGCONT n2 (stale copies)", () -> nodes.get(1).resume());
        at(start, 29, timeline, "reset every connection to n3 (proxy)", proxy::resetConnections);
        at(start, 32, timeline, "reset n3's next response midway (proxy)", proxy::resetMidResponse);
        at(start, 35, timeline, "1 s latency on n3, over the 300 ms timeout (proxy)",
                () -> proxy.latency(Duration.ofSeconds(1)));
        at(start, 40, timeline, "n3 back to normal (proxy)", proxy::passThrough);
        at(start, 44, timeline, "every node down: clients stay on the Tomcat that served them last", () -> {
            stayOnLastInstance = true;
            // A request routed to the other Tomcat just before could otherwise meet the outage there, on a Tomcat
            // that holds an older copy: no store can serve the newest then. Kill once every client stays.
            if (!clientsStaying.await(10, TimeUnit.SECONDS)) {
                timeline.add(String.format("%5.1f s  (not every client stayed within 10 s; killing anyway)",
                        (System.nanoTime() - start) / 1e9));
            }
            cluster.killAll();
        });
        at(start, 50, timeline, "every node restarted empty", () -> nodes.forEach(MemcachedNode::restart));
        at(start, 51, timeline, "clients alternate again once both Tomcats have written their sessions back",
                () -> awaitRecovered(tomcats, timeline, start));
        long end = start + RUN.toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(100);
        }
        timeline.add(String.format("%5.1f s  end", (System.nanoTime() - start) / 1e9));
    }

    /**
     * Lets clients alternate again once both Tomcats, looked at one right after the other, have every node up and
     * nothing left to write back (checking one and then waiting for the other let the first change meanwhile).
     */
    private void awaitRecovered(List<Instance> tomcats, List<String> timeline, long start)
            throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!tomcats.stream().allMatch(tomcat -> recovered(http, tomcat))) {
            if (System.nanoTime() > deadline) {
                timeline.add(String.format("%5.1f s  (the Tomcats did not recover within 20 s; alternating anyway)",
                        (System.nanoTime() - start) / 1e9));
                break;
            }
            Thread.sleep(100);
        }
        stayOnLastInstance = false;
    }

    private static boolean recovered(HttpClient http, Instance tomcat) {
        try {
            String status = http.send(HttpRequest.newBuilder(URI.create(tomcat.url() + "/status.json")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            return status.contains("\"degraded\":false") && status.contains("\"pendingWriteBacks\":0")
                    && !status.contains("\"state\":\"DOWN\"") && !status.contains("\"state\":\"PROBING\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void at(long start, int second, List<String> timeline, String what, ThrowingAction action)
            throws Exception {
        long due = start + TimeUnit.SECONDS.toNanos(second);
        while (System.nanoTime() < due) {
            Thread.sleep(20);
        }
        action.run();
        timeline.add(String.format("%5.1f s  %s", (System.nanoTime() - start) / 1e9, what));
    }

    @FunctionalInterface
    private interface ThrowingAction {
        void run() throws Exception;
    }

    private void problem(AtomicLong counter, int client, Instance tomcat, String what) {
        counter.incrementAndGet();
        if (firstProblems.size() < 20) {
            firstProblems.add(String.format("%.1f s: client %d on %s: %s", (System.nanoTime() - startNanos) / 1e9,
                    client, tomcat.name(), what));
        }
    }

    private static HttpResponse<String> post(HttpClient browser, String url) throws IOException, InterruptedException {
        return browser.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int count(String json) {
        Matcher m = COUNT.matcher(json);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private String report(List<String> timeline) {
        StringBuilder out = new StringBuilder();
        out.append("## Chaos run, ").append(Instant.now()).append("\n\n")
                .append("Two Tomcat 11 instances (non-sticky), three memcached nodes (n3 behind a fault proxy), ")
                .append("two copies per session, operationTimeout 300 ms, retryInterval 1000 ms, ").append(CLIENTS)
                .append(" clients for ").append(RUN.toSeconds()).append(" s, each alternating between the ")
                .append("Tomcats and invalidating its session every ").append(INVALIDATE_EVERY).append(" requests.\n\n")
                .append("| time | fault |\n|---|---|\n");
        timeline.forEach(line -> out.append("| ").append(line.substring(0, 7).trim()).append(" | ")
                .append(line.substring(9)).append(" |\n"));
        out.append("\n| count | value |\n|---|---|\n")
                .append("| requests | ").append(requests.get()).append(" |\n")
                .append("| invalidations | ").append(invalidations.get()).append(" |\n")
                .append("| failed requests (non-200 or I/O error) | ").append(failures.get()).append(" |\n")
                .append("| lost updates | ").append(lostUpdates.get()).append(" |\n")
                .append("| stale reads | ").append(staleReads.get()).append(" |\n")
                .append("| lost sessions | ").append(lostSessions.get()).append(" |\n")
                .append("| resurrected sessions | ").append(resurrected.get()).append(" |\n");
        if (!firstProblems.isEmpty()) {
            out.append("\nFirst problems:\n");
            firstProblems.forEach(p -> out.append("- ").append(p).append('\n'));
        }
        return out.toString();
    }
}
