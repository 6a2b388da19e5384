package io.mcsessions.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

/** The starter binds the store's meters to the application's registry once the store runs. */
class MetricsTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @Test
    void theApplicationsRegistryCountsSavesLoadsAndNodeOperations() throws Exception {
        try (ConfigurableApplicationContext app = BootApps.start("metrics", cluster,
                "--management.endpoints.web.exposure.include=metrics")) {
            HttpClient browser = BootApps.browser();
            for (int i = 0; i < 3; i++) {
                assertEquals(200, BootApps.post(browser, BootApps.url(app, "/counter")).statusCode());
            }
            MeterRegistry registry = app.getBean(MeterRegistry.class);

            // Jetty may write the session just after the response has gone out.
            BootApps.await("three stored saves", 5_000,
                    () -> registry.get("mcsessions.saves").tag("outcome", "stored").functionCounter().count() >= 3);
            assertTrue(registry.get("mcsessions.loads").tag("outcome", "found").functionCounter().count() >= 1);
            double operations = registry.get("mcsessions.node.operations").functionTimers().stream()
                    .mapToDouble(t -> t.count()).sum();
            assertTrue(operations >= 6, "three saves to two replicas each: " + operations);
            assertTrue(registry.get("mcsessions.node.operations").functionTimers().stream()
                    .mapToDouble(t -> t.totalTime(TimeUnit.SECONDS)).sum() > 0);
            assertEquals(3, registry.get("mcsessions.node.state").tag("state", "up").gauges().stream()
                    .mapToDouble(g -> g.value()).sum());
            assertEquals(0, registry.get("mcsessions.degraded").gauge().value());

            String overHttp = BootApps.get(browser, BootApps.url(app, "/actuator/metrics/mcsessions.saves")).body();
            assertTrue(overHttp.contains("\"baseUnit\"") || overHttp.contains("\"measurements\""), overHttp);
        }
    }
}
