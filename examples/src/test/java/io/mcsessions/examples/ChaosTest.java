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
 * The chaos suite: three memcached nodes (the third behind a fault proxy), two copies per session, 32 clients, and
 * three pairs of Tomcats one after the other while faults are scripted:
 * <ul>
 * <li>non-sticky, 66 s: kill -9, restart empty, a pause of the whole machine, SIGSTOP/SIGCONT (stale data),
 * connection resets and latency through the proxy, every node down (clients stay on the instance that served them
 * last), and two nodes killed within a second;</li>
 * <li>non-sticky with {@code lockingMode="all"} and {@code sessionBackupAsync="true"}, 12 s, a node killed;</li>
 * <li>sticky without a jvmRoute, 12 s: every session fails over to the second Tomcat and back;</li>
 * <li>non-sticky, 16 s, 8 clients: every node restarted while the second Tomcat sits idle. That Tomcat names the
 * nodes {@code localhost}, so it has connections and node health of its own, as another JVM would (the Tomcats of
 * the other pairs share theirs, as two applications in one JVM do).</li>
 * </ul>
 * Every client checks that its counter only ever goes up by one. The report is printed and written to
 * {@code target/chaos-report.md}; any non-zero failure count fails the test.
 */
@Tag("chaos")
class ChaosTest {
    private static final int CLIENTS = 32;
    private static final Duration MAIN_RUN = Duration.ofSeconds(66);
    private static final Duration SHORT_RUN = Duration.ofSeconds(12);
    private static final Duration IDLE_RUN = Duration.ofSeconds(16);
    private static final int IDLE_CLIENTS = 8;
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
    private final List<String> timeline = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Where clients send their next request, as a load balancer would decide. */
    private enum Routing {
        /** Each request to either Tomcat (non-sticky balancing). */
        ALTERNATE,
        /** To the Tomcat that served the client last. */
        STAY,
        /** To the first Tomcat only. */
        FIRST,
        /** To the second Tomcat only. */
        SECOND
    }

    private volatile Routing routing = Routing.ALTERNATE;
    private volatile int activeClients = CLIENTS;
    /** Counts down as each client starts a request under the current routing; replaced with every change. */
    private volatile CountDownLatch clientsRouted = new CountDownLatch(0);
    private volatile long startNanos = System.nanoTime();
    private volatile boolean running;
    private String setup = "";

    @Test
    void thirtyTwoClientsSeeNoFailureNoLostUpdateNoStaleReadAndNoResurrectedSessionUnderScriptedFaults()
            throws Exception {
        try (FaultProxy proxy = FaultProxy.start(cluster.node(2).host(), cluster.node(2).port())) {
            String nodes = "n1:" + cluster.node(0).address() + ",n2:" + cluster.node(1).address() + ",n3:"
                    + proxy.address();
            String sameNodesOwnConnections = nodes.replace("127.0.0.1:", "localhost:");
            run("non-sticky", List.of(DemoTomcat.start("tomcat-a", freePort(), nodes),
                    DemoTomcat.start("tomcat-b", freePort(), nodes)), MAIN_RUN, CLIENTS,
                    tomcats -> mainScript(proxy, tomcats));
            run("non-sticky, lockingMode=all, sessionBackupAsync", List.of(
                    DemoTomcat.start("locking-a", freePort(), nodes, ChaosTest::asyncLocking),
                    DemoTomcat.start("locking-b", freePort(), nodes, ChaosTest::asyncLocking)),
                    SHORT_RUN, CLIENTS, this::lockingScript);
            run("sticky without jvmRoute", List.of(
                    DemoTomcat.start("sticky-a", freePort(), nodes, m -> m.setSticky(true)),
                    DemoTomcat.start("sticky-b", freePort(), nodes, m -> m.setSticky(true))),
                    SHORT_RUN, CLIENTS, Routing.FIRST, this::stickyScript);
            run("non-sticky, one Tomcat idle while every node restarts", List.of(
                    DemoTomcat.start("busy", freePort(), nodes),
                    DemoTomcat.start("idle", freePort(), sameNodesOwnConnections)),
                    IDLE_RUN, IDLE_CLIENTS, this::idleScript);
        }
        String report = report();
        System.out.println(report);
        Files.writeString(Path.of("target", "chaos-report.md"), report);
        assertTrue(requests.get() > 10_000, "too few requests to mean anything: " + requests.get());
        assertEquals(0, failures.get() + lostUpdates.get() + staleReads.get() + lostSessions.get() + resurrected.get(),
                report);
    }

    private static void asyncLocking(io.mcsessions.tomcat.MemcachedSessionManager manager) {
        manager.setLockingMode("all");
        manager.setSessionBackupAsync(true);
    }

    @FunctionalInterface
    private interface Script {
        void run(List<Instance> tomcats) throws Exception;
    }

    /** Runs the clients against one pair of Tomcats while the script runs, then stops the pair. */
    private void run(String name, List<Instance> tomcats, Duration length, int clientCount, Script script)
            throws Exception {
        run(name, tomcats, length, clientCount, Routing.ALTERNATE, script);
    }

    private void run(String name, List<Instance> tomcats, Duration length, int clientCount, Routing first,
                     Script script) throws Exception {
        setup = name;
        routing = first;
        running = true;
        startNanos = System.nanoTime();
        timeline.add(String.format("%5.1f s  **%s**: %s and %s", 0.0, name, tomcats.get(0).name(),
                tomcats.get(1).name()));
        activeClients = clientCount;
        ExecutorService clients = Executors.newFixedThreadPool(clientCount);
        try {
            List<Future<?>> started = new ArrayList<>();
            for (int c = 0; c < clientCount; c++) {
                int client = c;
                started.add(clients.submit(() -> client(client, tomcats)));
            }
            script.run(tomcats);
            long end = startNanos + length.toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(100);
            }
            event("end");
            running = false;
            for (Future<?> f : started) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            running = false;
            clients.shutdownNow();
            tomcats.forEach(Instance::close);
        }
    }

    private void mainScript(FaultProxy proxy, List<Instance> tomcats) throws Exception {
        List<MemcachedNode> nodes = cluster.nodes();
        at(5, "kill -9 n1", () -> nodes.get(0).kill());
        at(11, "restart n1 empty", () -> nodes.get(0).restart());
        at(14, "1 s pause of the whole machine (this JVM and every node)",
                () -> MachinePause.pause(Duration.ofSeconds(1), nodes));
        at(17, "SIGSTOP n2", () -> nodes.get(1).pause());
        at(23, "SIGCONT n2 (stale copies)", () -> nodes.get(1).resume());
        at(29, "reset every connection to n3 (proxy)", proxy::resetConnections);
        at(32, "reset n3's next response midway (proxy)", proxy::resetMidResponse);
        at(35, "1 s latency on n3, over the 300 ms timeout (proxy)", () -> proxy.latency(Duration.ofSeconds(1)));
        at(40, "n3 back to normal (proxy)", proxy::passThrough);
        at(44, "every node down: clients stay on the Tomcat that served them last", () -> {
            // A request routed to the other Tomcat just before could otherwise meet the outage there, on a Tomcat
            // that holds an older copy: no store can serve the newest then. Kill once every client stays.
            route(Routing.STAY);
            cluster.killAll();
        });
        at(50, "every node restarted empty", () -> nodes.forEach(MemcachedNode::restart));
        at(51, "clients alternate again once both Tomcats have written their sessions back",
                () -> awaitRecovered(tomcats));
        // Two of three nodes, one after the other: the copies written after the first failure must be on the node
        // that is left (n1, without the proxy, which on this 2-core machine could not carry the whole load alone).
        at(56, "kill -9 n2, and n3 0.7 s later", () -> {
            nodes.get(1).kill();
            Thread.sleep(700);
            nodes.get(2).kill();
        });
        at(59, "restart n2 and n3 empty", () -> {
            nodes.get(1).restart();
            nodes.get(2).restart();
        });
        at(60, "clients alternate again once both Tomcats see the nodes", () -> awaitRecovered(tomcats));
    }

    private void idleScript(List<Instance> tomcats) throws Exception {
        List<MemcachedNode> nodes = cluster.nodes();
        at(3, "only busy gets requests: idle sits idle", () -> route(Routing.FIRST));
        at(5, "every node killed while idle sits idle", cluster::killAll);
        at(6, "every node restarted empty", () -> nodes.forEach(MemcachedNode::restart));
        at(9, "clients alternate again, idle's first requests since 3 s (once busy wrote back)",
                () -> awaitRecovered(tomcats));
    }

    private void lockingScript(List<Instance> tomcats) throws Exception {
        at(4, "kill -9 n1", () -> cluster.node(0).kill());
        at(8, "restart n1 empty", () -> cluster.node(0).restart());
    }

    private void stickyScript(List<Instance> tomcats) throws Exception {
        event("every session on sticky-a");
        at(4, "sticky-a fails its health check: the balancer moves every session to sticky-b (same ids)",
                () -> route(Routing.SECOND));
        at(8, "sticky-a is back: every session fails back to it", () -> route(Routing.FIRST));
    }

    /**
     * Changes where clients go, and waits (bounded) until every client has started a request under the new routing:
     * the request each had in flight before has ended.
     */
    private void route(Routing next) throws InterruptedException {
        CountDownLatch routed = new CountDownLatch(activeClients);
        clientsRouted = routed;
        routing = next;
        if (!routed.await(10, TimeUnit.SECONDS)) {
            event("(not every client followed the new routing within 10 s; going on)");
        }
    }

    /** One browser: its own session, routed as the balancer says, invalidating now and then. */
    private void client(int id, List<Instance> tomcats) {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5)).build();
        int expected = 0;
        int last = 0;
        int sinceInvalidation = 0;
        boolean justInvalidated = false;
        CountDownLatch acknowledged = null;
        while (running) {
            Routing now = routing;
            CountDownLatch routed = clientsRouted;
            if (routed != acknowledged) {
                acknowledged = routed;
                routed.countDown(); // the request before this one, sent under the old routing, has ended
            }
            int which = switch (now) {
                case ALTERNATE -> (int) (requests.get() + id) % 2;
                case STAY -> last;
                case FIRST -> 0;
                case SECOND -> 1;
            };
            Instance tomcat = tomcats.get(which);
            try {
                if (sinceInvalidation == INVALIDATE_EVERY && now != Routing.STAY) {
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

    /**
     * Lets clients alternate again once both Tomcats, looked at one right after the other, have every node up and
     * nothing left to write back (checking one and then waiting for the other let the first change meanwhile).
     */
    private void awaitRecovered(List<Instance> tomcats) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!tomcats.stream().allMatch(tomcat -> recovered(http, tomcat))) {
            if (System.nanoTime() > deadline) {
                event("(the Tomcats did not recover within 20 s; alternating anyway)");
                break;
            }
            Thread.sleep(100);
        }
        route(Routing.ALTERNATE);
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

    private void at(int second, String what, ThrowingAction action) throws Exception {
        long due = startNanos + TimeUnit.SECONDS.toNanos(second);
        while (System.nanoTime() < due) {
            Thread.sleep(20);
        }
        action.run();
        event(what);
    }

    private void event(String what) {
        timeline.add(String.format("%5.1f s  %s", (System.nanoTime() - startNanos) / 1e9, what));
    }

    @FunctionalInterface
    private interface ThrowingAction {
        void run() throws Exception;
    }

    private void problem(AtomicLong counter, int client, Instance tomcat, String what) {
        counter.incrementAndGet();
        if (firstProblems.size() < 20) {
            firstProblems.add(String.format("%s, %.1f s: client %d on %s: %s", setup,
                    (System.nanoTime() - startNanos) / 1e9, client, tomcat.name(), what));
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

    private String report() {
        StringBuilder out = new StringBuilder();
        out.append("## Chaos run, ").append(Instant.now()).append("\n\n")
                .append("Four pairs of Tomcat 11 instances, one after the other, on three memcached nodes (n3 behind ")
                .append("a fault proxy), two copies per session, operationTimeout 300 ms, retryInterval 1000 ms, ")
                .append(CLIENTS).append(" clients (8 in the last pair), each checking that its cart grows by one item per request and ")
                .append("invalidating its session every ").append(INVALIDATE_EVERY).append(" requests. Times are ")
                .append("seconds since each pair started.\n\n")
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
