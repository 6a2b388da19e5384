package io.mcsessions.boot.boot4;

import io.mcsessions.boot.McsessionsProperties;
import io.mcsessions.boot.TomcatSessionManagers;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Boot 4's embedded Tomcat: every context gets a {@code MemcachedSessionManager} made from the properties. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory",
        "org.apache.catalina.startup.Tomcat", "io.mcsessions.tomcat.MemcachedSessionManager"})
public class TomcatConfiguration {

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> mcsessionsTomcatCustomizer(
            McsessionsProperties properties) {
        return factory -> factory.addContextCustomizers(
                context -> context.setManager(TomcatSessionManagers.newManager(properties)));
    }
}
