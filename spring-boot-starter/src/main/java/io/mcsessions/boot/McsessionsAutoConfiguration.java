package io.mcsessions.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Keeps the sessions of a servlet application's embedded Tomcat or Jetty on memcached, on Spring Boot 3.5 and 4.0,
 * as soon as {@code mcsessions.memcached-nodes} is set. The application brings its container and the matching
 * adapter ({@code mcsessions-tomcat} or {@code mcsessions-jetty}).
 *
 * <p>Boot 4 moved the embedded-server types to new packages. Each container therefore has one configuration per Boot
 * generation ({@code io.mcsessions.boot.boot3}, {@code io.mcsessions.boot.boot4}), guarded by
 * {@code @ConditionalOnClass} on that generation's class names, so that only the one that fits is ever loaded. The
 * health indicator likewise; the meters are the same for both.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "mcsessions", name = "memcached-nodes")
@EnableConfigurationProperties(McsessionsProperties.class)
@Import({io.mcsessions.boot.boot3.TomcatConfiguration.class, io.mcsessions.boot.boot4.TomcatConfiguration.class,
        io.mcsessions.boot.boot3.JettyConfiguration.class, io.mcsessions.boot.boot4.JettyConfiguration.class,
        io.mcsessions.boot.boot3.HealthConfiguration.class, io.mcsessions.boot.boot4.HealthConfiguration.class,
        McsessionsAutoConfiguration.Metrics.class})
public class McsessionsAutoConfiguration {

    /** This application's running store, for the health indicator and the meters. */
    @Bean
    ApplicationStore mcsessionsApplicationStore(ApplicationContext context) {
        return new ApplicationStore(context);
    }

    /** Micrometer meters for the store, where the application has Micrometer. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
    static class Metrics {
        @Bean
        StoreMetricsBinder mcsessionsMetricsBinder(ApplicationStore store,
                org.springframework.beans.factory.ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
            return new StoreMetricsBinder(store, registry);
        }
    }
}
