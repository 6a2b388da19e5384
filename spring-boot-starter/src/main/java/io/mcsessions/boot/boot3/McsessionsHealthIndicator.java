package io.mcsessions.boot.boot3;

import io.mcsessions.boot.ApplicationStore;
import io.mcsessions.boot.StoreHealth;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The {@code mcsessions} health indicator on Boot 3.5: {@code UP} with every memcached node up, {@code DEGRADED}
 * while some are down and at least one is up, {@code DOWN} when none answers; the nodes in the details. See
 * {@link StoreHealth}.
 */
public class McsessionsHealthIndicator extends AbstractHealthIndicator {
    /** Some nodes are down; every request is still served. */
    public static final Status DEGRADED = new Status(StoreHealth.DEGRADED,
            "some memcached nodes are down; sessions are served from the others");

    private final ApplicationStore store;

    public McsessionsHealthIndicator(ApplicationStore store) {
        super("mcsessions health check failed");
        this.store = store;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        StoreHealth health = StoreHealth.of(store);
        builder.status(health.status().equals(StoreHealth.DEGRADED) ? DEGRADED : new Status(health.status()))
                .withDetails(health.details());
    }
}
