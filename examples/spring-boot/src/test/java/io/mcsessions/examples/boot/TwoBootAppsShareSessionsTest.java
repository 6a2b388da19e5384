package io.mcsessions.examples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Two Spring Boot applications share one session through real memcached nodes. */
class TwoBootAppsShareSessionsTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @Test
    void aSessionCounterGoesUpByOneAcrossTwoBootApps() throws Exception {
        try (ConfigurableApplicationContext a = start("boot-a"); ConfigurableApplicationContext b = start("boot-b")) {
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            String[] urls = {url(a), url(b)};
            for (int request = 1; request <= 6; request++) {
                HttpResponse<String> response = browser.send(HttpRequest.newBuilder(
                        URI.create(urls[request % 2] + "/counter")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(response.body().contains("\"count\":" + request), "request " + request + ": "
                        + response.body());
            }
            cluster.node(0).kill();
            HttpResponse<String> afterKill = browser.send(HttpRequest.newBuilder(URI.create(urls[1] + "/counter"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(afterKill.body().contains("\"count\":7"), afterKill.body());
        }
    }

    private static ConfigurableApplicationContext start(String name) {
        // Command-line arguments outrank application.properties, as they would for a real deployment.
        return new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
                "--server.address=127.0.0.1", "--spring.application.name=" + name,
                "--mcsessions.memcached-nodes=" + cluster.nodesString());
    }

    private static String url(ConfigurableApplicationContext context) {
        return "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }
}
