package io.mcsessions.boot.boot3;

import io.mcsessions.boot.JettySessionStores;
import io.mcsessions.boot.McsessionsProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.web.embedded.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Boot 3.5's embedded Jetty: the server gets a {@code MemcachedSessionDataStoreFactory} made from the properties and
 * the session cache factory that {@code sticky} asks for. Boot 3.5 runs on the Jetty 12.0 it brings, and cannot run on
 * 12.1: the adapter runs on that 12.0 (see docs/configuration.md, Spring Boot).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"org.springframework.boot.web.embedded.jetty.ConfigurableJettyWebServerFactory",
        "org.eclipse.jetty.server.Server", "io.mcsessions.jetty.MemcachedSessionDataStoreFactory"})
public class JettyConfiguration {

    @Bean
    WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> mcsessionsJettyCustomizer(
            McsessionsProperties properties) {
        return factory -> factory.addServerCustomizers(server -> JettySessionStores.addTo(server, properties));
    }
}
