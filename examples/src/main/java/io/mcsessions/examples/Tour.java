package io.mcsessions.examples;

import io.mcsessions.testing.MemcachedNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The failover tour: a scripted walk through every failure, on the Tomcat pair and the Jetty pair at once.
 * Each step prints what the session holds, which nodes hold copies, and what the instances logged. A failed
 * request or a counter that does not go up by exactly one makes the tour fail.
 */
final class Tour {
    private static final Pattern COUNT = Pattern.compile("\"count\":(\\d+)");
    private static final Pattern COPY = Pattern.compile(
            "\"node\":\"([^\"]+)\",\"address\":\"[^\"]*\",\"replica\":(true|false),\"holds\":\"(\\w+)\",\"revision\":(null|\\d+)");
    private static final Pattern NODE_STATE = Pattern.compile("\"node\":\"([^\"]+)\",\"address\":\"[^\"]*\",\"state\":\"(\\w+)\"");
    private static final Pattern DEGRADED = Pattern.compile("\"degraded\":(true|false)");
    private static final String[] ITEMS = {"apple", "pear", "book", "teapot"};

    private final Demo demo;
    private final PrintStream out;
    private final List<Pair> pairs = new ArrayList<>();
    private final ConcurrentLinkedQueue<LogRecord> logged = new ConcurrentLinkedQueue<>();
    private int requests;
    private int problems;

    /** Two instances sharing sessions, one browser (cookie jar) visiting both, and the count it expects. */
    private static final class Pair {
        final String name;
        final List<Instance> instances;
        final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5)).build();
        int expected;

        Pair(String name, List<Instance> instances) {
            this.name = name;
            this.instances = instances;
        }
    }

    Tour(Demo demo, PrintStream out) {
        this.demo = demo;
        this.out = out;
        pairs.add(new Pair("Tomcat", demo.tomcats()));
        pairs.add(new Pair("Jetty", demo.jettys()));
    }

    /** Runs every step; true when no request failed and no counter went back. */
    boolean run() {
        Logger root = Logger.getLogger("io.mcsessions");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                    logged.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        root.addHandler(capture);
        try {
            steps();
        } catch (RuntimeException e) {
            problems++;
            out.println("!! the tour stopped: " + e);
        } finally {
            root.removeHandler(capture);
        }
        out.println();
        out.println(problems == 0
                ? "Tour finished: " + requests + " requests, none failed, every counter went up by exactly one."
                : "Tour FAILED: " + problems + " problems in " + requests + " requests (see '!!' lines above).");
        return problems == 0;
    }

    private void steps() {
        List<MemcachedNode> nodes = demo.memcached().nodes();
        step("1. Create a session on the first instance of each pair", () -> visit(0, 1));
        step("2. Change it on the second instance: the session followed", () -> visit(1, 1));
        showCopies();

        step("3. Kill memcached n1 (kill -9)", () -> {
            nodes.get(0).kill();
            visitAlternating(4);
        });
        step("4. Pause memcached n2 (SIGSTOP): a hung node that keeps its old copies", () -> {
            nodes.get(1).pause();
            visitAlternating(4);
        });
        showCopies();
        step("5. Resume n2 with its stale copies: reads take the newest revision and repair the rest", () -> {
            nodes.get(1).resume();
            awaitNode("n2", "UP");
            visitAlternating(4);
        });
        showCopies();
        step("6. Restart n1, empty", () -> {
            nodes.get(0).restart();
            awaitNode("n1", "UP");
            visitAlternating(2);
        });
        // With every node down an instance knows only its own copy: requests stay on the one that served last.
        step("7. Stop every memcached node: requests stay on the instance that served last, which keeps the session",
                () -> {
                    nodes.forEach(MemcachedNode::kill);
                    visit(1, 4);
                    for (Pair pair : pairs) {
                        out.printf("   %-6s %s degraded: %s%n", pair.name, pair.instances.get(1).name(),
                                match(DEGRADED, status(pair, 1)));
                    }
                });
        step("8. Bring the nodes back: the sessions kept meanwhile are written back, the other instance sees them",
                () -> {
                    nodes.forEach(MemcachedNode::restart);
                    awaitNode("n1", "UP");
                    for (Pair pair : pairs) {
                        await(pair.name + " has written the session back", 15_000,
                                () -> count(get(pair, 0, "/api/cart")) == pair.expected);
                    }
                    visit(0, 2);
                });
        showCopies();
    }

    private void step(String title, Runnable action) {
        out.println();
        out.println("== " + title);
        action.run();
        printLog();
    }

    /** One request on instance {@code which} of each pair, {@code times} times. */
    private void visit(int which, int times) {
        for (int i = 0; i < times; i++) {
            for (Pair pair : pairs) {
                add(pair, which);
            }
        }
    }

    private void visitAlternating(int times) {
        for (int i = 0; i < times; i++) {
            visit(i % 2, 1);
        }
    }

    private void add(Pair pair, int which) {
        Instance instance = pair.instances.get(which);
        String item = ITEMS[requests % ITEMS.length];
        requests++;
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = pair.browser.send(HttpRequest.newBuilder(
                            URI.create(instance.url() + "/api/cart/add?item=" + item))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - start) / 1_000_000;
            int count = count(response.body());
            boolean ok = response.statusCode() == 200 && count == pair.expected + 1;
            out.printf("   %-6s %-9s add %-6s -> HTTP %d, %d items%s (%d ms)%n", pair.name, instance.name(), item,
                    response.statusCode(), count, ok ? "" : "  !! expected " + (pair.expected + 1), millis);
            if (!ok) {
                problems++;
            }
            pair.expected = count < 0 ? pair.expected + 1 : count; // report a mismatch once, not on every request after
        } catch (IOException | InterruptedException e) {
            problems++;
            out.printf("   %-6s %-9s !! request failed: %s%n", pair.name, instance.name(), e);
        }
    }

    private void showCopies() {
        for (Pair pair : pairs) {
            String status = status(pair, 0);
            List<String> copies = new ArrayList<>();
            long newest = -1;
            Matcher m = COPY.matcher(status);
            List<String[]> rows = new ArrayList<>();
            while (m.find()) {
                rows.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4)});
                if (!m.group(4).equals("null")) {
                    newest = Math.max(newest, Long.parseLong(m.group(4)));
                }
            }
            for (String[] row : rows) {
                String revision = row[3].equals("null") ? "" : Long.parseLong(row[3]) == newest ? " (newest)" : " (OLDER)";
                copies.add(row[0] + ": " + row[2].toLowerCase() + revision + (row[1].equals("true") ? " *" : ""));
            }
            out.printf("   %-6s copies of the session: %s   (* = replica now)%n", pair.name, String.join(", ", copies));
        }
    }

    private void awaitNode(String node, String state) {
        for (Pair pair : pairs) {
            for (int i = 0; i < pair.instances.size(); i++) {
                int which = i;
                await(pair.instances.get(i).name() + " sees " + node + " " + state, 15_000, () -> {
                    get(pair, which, "/api/cart"); // traffic: a client notices a dead connection when it uses it
                    Matcher m = NODE_STATE.matcher(status(pair, which));
                    while (m.find()) {
                        if (m.group(1).equals(node)) {
                            return m.group(2).equals(state);
                        }
                    }
                    return false;
                });
            }
        }
    }

    private void await(String what, long millis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                problems++;
                out.println("   !! timed out after " + millis + " ms waiting until " + what);
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private String status(Pair pair, int which) {
        return get(pair, which, "/status.json");
    }

    private String get(Pair pair, int which, String path) {
        try {
            return pair.browser.send(HttpRequest.newBuilder(URI.create(pair.instances.get(which).url() + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private void printLog() {
        SimpleFormatter formatter = new SimpleFormatter();
        LogRecord record;
        while ((record = logged.poll()) != null) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()
                    || record.getLoggerName().endsWith("NodeHealth")
                    || record.getMessage().contains("reachable again")) {
                out.println("   log " + record.getLevel() + ": " + formatter.formatMessage(record));
            }
        }
    }

    private static int count(String json) {
        Matcher m = COUNT.matcher(json);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String match(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : "?";
    }
}
