package io.mcsessions.boot;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.boot.app.CounterApplication;
import io.mcsessions.testing.MemcachedCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A bad mcsessions.* value stops the application from starting, with a message naming the setting, rule and value. */
class BadSettingsFailTheStartTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @Test
    void redundancyAboveTheNodeCountFailsTheStartWithCoresMessage() {
        String message = startFailure("--mcsessions.redundancy=4");
        assertTrue(message.contains("redundancy must be between 1 and the number of nodes (3), but was 4"), message);
    }

    @Test
    void aMalformedNodeListFailsTheStart() {
        String message = startFailure("--mcsessions.memcached-nodes=n1:localhost:70000");
        assertTrue(message.contains("memcachedNodes ports must be between 1 and 65535, but was '70000'"), message);
    }

    @Test
    void aNegativeTimeoutFailsTheStart() {
        String message = startFailure("--mcsessions.operation-timeout=-5");
        assertTrue(message.contains("operationTimeout must be a positive number of milliseconds, but was -5"), message);
    }

    @Test
    void anUnknownSerializerOrABadAttributeFilterFailsTheStart() {
        String serializer = startFailure("--mcsessions.serializer=xml");
        assertTrue(serializer.contains("serializer must be java or kryo, but was 'xml'"), serializer);
        String filter = startFailure("--mcsessions.session-attribute-filter=(cart");
        assertTrue(filter.contains("sessionAttributeFilter must be a valid regular expression, but was '(cart'"),
                filter);
    }

    @Test
    void aValueThatIsNotADurationFailsTheStartNamingTheProperty() {
        String message = startFailure("--mcsessions.retry-interval=soon");
        assertTrue(message.contains("mcsessions.retry-interval") && message.contains("soon"), message);
    }

    @Test
    void withoutMemcachedNodesTheStarterStaysOff() {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(CounterApplication.class)
                .run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off")) {
            assertTrue(context.getBeanNamesForType(ApplicationStore.class).length == 0);
            assertFalse(context.containsBean("mcsessionsHealthIndicator"));
        }
    }

    /** The messages of the start failure and all its causes. */
    private static String startFailure(String... args) {
        List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off", "--mcsessions.memcached-nodes=" + cluster.nodesString()));
        all.addAll(List.of(args));
        Throwable failure = assertThrows(Throwable.class, () -> new SpringApplicationBuilder(CounterApplication.class)
                .run(all.toArray(String[]::new)).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t).append('\n');
        }
        return messages.toString();
    }
}
