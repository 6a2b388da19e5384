package io.mcsessions.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.mcsessions.testing.MemcachedCluster;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The mcsessions health indicator, read over HTTP from the actuator like a load balancer or a monitor would: UP, then
 * DEGRADED with one node killed (the application as a whole stays UP), DOWN with all killed, UP again after.
 */
class HealthIndicatorTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @Test
    void followsTheNodesFromUpToDegradedToDownAndBack() throws Exception {
        try (ConfigurableApplicationContext app = BootApps.start("health", cluster,
                "--management.endpoints.web.exposure.include=health",
                "--management.endpoint.health.show-details=always")) {
            HttpClient browser = BootApps.browser();
            String health = BootApps.url(app, "/actuator/health/mcsessions");
            String counter = BootApps.url(app, "/counter");

            HttpResponse<String> up = BootApps.get(browser, health);
            assertEquals(200, up.statusCode(), up.body());
            assertEquals("UP", BootApps.topLevelStatus(up.body()), up.body());
            assertTrue(up.body().contains("\"address\":\"127.0.0.1:" + cluster.node(0).port() + "\""), up.body());

            cluster.node(0).kill();
            HttpResponse<String> degraded = awaitStatus(browser, health, counter, "DEGRADED");
            assertEquals(200, degraded.statusCode(), "a degraded store still serves: " + degraded.body());
            assertTrue(degraded.body().contains("\"nodesUp\":\"2 of 3\""), degraded.body());
            HttpResponse<String> whole = BootApps.get(browser, BootApps.url(app, "/actuator/health"));
            assertEquals(200, whole.statusCode(), whole.body());
            assertEquals("UP", BootApps.topLevelStatus(whole.body()), "the application stays UP: " + whole.body());

            cluster.node(1).kill();
            cluster.node(2).kill();
            HttpResponse<String> down = awaitStatus(browser, health, counter, "DOWN");
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.body().contains("\"state\":\"DOWN\""), down.body());
            assertEquals(200, BootApps.post(browser, counter).statusCode(), "requests are still served");

            for (int node = 0; node < 3; node++) {
                cluster.node(node).restart();
            }
            HttpResponse<String> back = awaitStatus(browser, health, counter, "UP");
            assertEquals(200, back.statusCode(), back.body());
        }
    }

    /**
     * Polls the health endpoint until it shows {@code status}, while sending requests: like the client library, the
     * store notices a dead connection when it uses it.
     */
    private static HttpResponse<String> awaitStatus(HttpClient browser, String health, String counter, String status)
            throws Exception {
        long deadline = System.nanoTime() + 15_000_000_000L;
        HttpResponse<String> last;
        do {
            BootApps.post(BootApps.browser(), counter);
            last = BootApps.get(browser, health);
            if (status.equals(BootApps.topLevelStatus(last.body()))) {
                return last;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return fail("health did not become " + status + " within 15 s; last: " + last.body());
    }
}
