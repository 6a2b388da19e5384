package io.mcsessions.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** Two instances of one Boot application, configured only by mcsessions.* properties, share their sessions. */
class TwoInstancesShareASessionTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @Test
    void aSessionCounterGoesOnAcrossTwoInstancesAndSurvivesANode() throws Exception {
        try (ConfigurableApplicationContext a = BootApps.start("boot-a", cluster);
             ConfigurableApplicationContext b = BootApps.start("boot-b", cluster)) {
            HttpClient browser = BootApps.browser();
            String[] urls = {BootApps.url(a, "/counter"), BootApps.url(b, "/counter")};
            for (int request = 1; request <= 6; request++) {
                HttpResponse<String> response = BootApps.post(browser, urls[request % 2]);
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(response.body().contains("\"count\":" + request), "request " + request + ": "
                        + response.body());
            }
            cluster.node(0).kill();
            HttpResponse<String> afterKill = BootApps.post(browser, urls[0]);
            assertTrue(afterKill.body().contains("\"count\":7"), afterKill.body());
            HttpResponse<String> onTheOther = BootApps.get(browser, urls[1]);
            assertTrue(onTheOther.body().contains("\"count\":7"), onTheOther.body());
        }
    }
}
