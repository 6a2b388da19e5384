package io.mcsessions.boot.boot4;

import io.mcsessions.boot.JettySessionStores;
import io.mcsessions.boot.McsessionsProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Boot 4's embedded Jetty (12.1): the server gets a {@code MemcachedSessionDataStoreFactory} made from the properties
 * and the session cache factory that {@code sticky} asks for.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"org.springframework.boot.jetty.ConfigurableJettyWebServerFactory",
        "org.eclipse.jetty.server.Server", "io.mcsessions.jetty.MemcachedSessionDataStoreFactory"})
public class JettyConfiguration {

    @Bean
    WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> mcsessionsJettyCustomizer(
            McsessionsProperties properties) {
        return factory -> factory.addServerCustomizers(server -> JettySessionStores.addTo(server, properties));
    }
}
