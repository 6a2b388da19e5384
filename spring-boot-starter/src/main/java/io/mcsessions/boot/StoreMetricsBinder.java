package io.mcsessions.boot;

import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.metrics.SessionStoreMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Binds {@link SessionStoreMetrics} for this application's store once the application has started: the store starts
 * with the web server, after the meter registry is made, so a plain {@code MeterBinder} bean would find nothing.
 * (Boot binds its own Tomcat and Jetty meters at the same moment, for the same reason.) The meters are removed when
 * the application stops.
 */
public final class StoreMetricsBinder implements ApplicationListener<ApplicationStartedEvent>, DisposableBean {
    private final ApplicationStore store;
    private final ObjectProvider<MeterRegistry> registry;
    private volatile SessionStoreMetrics metrics;

    public StoreMetricsBinder(ApplicationStore store, ObjectProvider<MeterRegistry> registry) {
        this.store = store;
        this.registry = registry;
    }

    @Override
    public synchronized void onApplicationEvent(ApplicationStartedEvent event) {
        Optional<ReplicatedSessionStore> running = store.current();
        MeterRegistry meters = registry.getIfAvailable();
        if (metrics == null && running.isPresent() && meters != null) {
            SessionStoreMetrics bound = new SessionStoreMetrics(running.get());
            bound.bindTo(meters);
            metrics = bound;
        }
    }

    @Override
    public synchronized void destroy() {
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
    }
}
