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
        McsessionsAutoConfiguration.Metrics.class, McsessionsAutoConfiguration.EndpointConfiguration.class,
        McsessionsAutoConfiguration.CloudRefresh.class})
public class McsessionsAutoConfiguration {

    /** This application's running store, for the health indicator and the meters. */
    @Bean
    ApplicationStore mcsessionsApplicationStore(ApplicationContext context) {
        return new ApplicationStore(context);
    }

    /** The node list of the running store, and changes to it at run time. */
    @Bean
    McsessionsNodes mcsessionsNodes(ApplicationStore store) {
        return new McsessionsNodes(store);
    }

    /** The {@code mcsessions} Actuator endpoint, where the application has Actuator (exposed only on request). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class EndpointConfiguration {
        @Bean
        @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean
        McsessionsEndpoint mcsessionsEndpoint(McsessionsNodes nodes) {
            return new McsessionsEndpoint(nodes);
        }
    }

    /** A Spring Cloud refresh that changes {@code mcsessions.memcached-nodes} applies the new list. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = NodeListRefresh.ENVIRONMENT_CHANGE_EVENT)
    static class CloudRefresh {
        @Bean
        NodeListRefresh mcsessionsNodeListRefresh(McsessionsNodes nodes,
                                                  org.springframework.core.env.Environment environment) {
            return new NodeListRefresh(nodes, environment);
        }
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
