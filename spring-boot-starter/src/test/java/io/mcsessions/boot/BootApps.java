package io.mcsessions.boot;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mcsessions.boot.app.CounterApplication;
import io.mcsessions.testing.MemcachedCluster;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.context.WebApplicationContext;

/**
 * Starts the counter application as a real Boot application on a free loopback port, against the cluster's real
 * memcached nodes, and talks to it over HTTP like a browser (one cookie jar per client).
 */
final class BootApps {
    /** Which embedded server this test run is meant to use: set by each surefire execution. */
    static final String EXPECTED_SERVER = System.getProperty("mcsessions.expectedServer", "");

    private BootApps() {
    }

    /** An instance named {@code name}; {@code args} are more {@code --property=value} arguments. */
    static ConfigurableApplicationContext start(String name, MemcachedCluster cluster, String... args) {
        List<String> all = new ArrayList<>(List.of("--mcsessions.memcached-nodes=" + cluster.nodesString()));
        all.addAll(List.of(args));
        return startWithoutNodes(name, all.toArray(String[]::new));
    }

    /** An instance whose {@code mcsessions.memcached-nodes} comes from {@code args} or a configuration file. */
    static ConfigurableApplicationContext startWithoutNodes(String name, String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--spring.application.name=" + name,
                "--mcsessions.operation-timeout=300", "--mcsessions.retry-interval=200",
                "--spring.main.banner-mode=off"));
        all.addAll(List.of(args));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CounterApplication.class)
                .run(all.toArray(String[]::new));
        String server = serverInfo(context);
        assertTrue(server.toLowerCase(Locale.ROOT).contains(EXPECTED_SERVER.toLowerCase(Locale.ROOT)),
                "this run expects " + EXPECTED_SERVER + " but the application runs on " + server);
        return context;
    }

    static String serverInfo(ConfigurableApplicationContext context) {
        return ((WebApplicationContext) context).getServletContext().getServerInfo();
    }

    static String url(ConfigurableApplicationContext context, String path) {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + path;
    }

    static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
    }

    static HttpResponse<String> post(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> postJson(HttpClient client, String url, String json)
            throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The {@code status} of a health response's outermost object, wherever the JSON writer put it (Boot 3.5 writes it
     * first, Boot 4 sorts keys); null if there is none.
     */
    static String topLevelStatus(String json) {
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (c == '"') {
                if (depth == 1 && json.startsWith("\"status\":\"", i)) {
                    int start = i + "\"status\":\"".length();
                    return json.substring(start, json.indexOf('"', start));
                }
                inString = true;
            }
        }
        return null;
    }

    /** Polls until the condition holds; fails after {@code timeoutMillis}. Used instead of sleeps. */
    static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeoutMillis + " ms waiting until " + what);
            }
            Thread.sleep(10);
        }
    }
}
