package io.mcsessions.examples.boot;

import io.mcsessions.tomcat.MemcachedSessionManager;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Puts the mcsessions Manager on Boot's embedded Tomcat: what {@code <Manager>} in context.xml does for a
 * standalone Tomcat. A bad setting fails the application's start with the Manager's message.
 */
@Configuration(proxyBeanMethods = false)
public class McsessionsTomcatConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> mcsessionsManager(McsessionsProperties properties) {
        return factory -> factory.addContextCustomizers(context -> {
            MemcachedSessionManager manager = new MemcachedSessionManager();
            manager.setMemcachedNodes(properties.getMemcachedNodes());
            if (properties.getRedundancy() != null) {
                manager.setRedundancy(properties.getRedundancy());
            }
            manager.setSticky(properties.isSticky());
            if (properties.getOperationTimeout() != null) {
                manager.setOperationTimeout(properties.getOperationTimeout());
            }
            if (properties.getRetryInterval() != null) {
                manager.setRetryInterval(properties.getRetryInterval());
            }
            if (properties.getStorageKeyPrefix() != null) {
                manager.setStorageKeyPrefix(properties.getStorageKeyPrefix());
            }
            if (properties.getLockingMode() != null) {
                manager.setLockingMode(properties.getLockingMode());
            }
            if (properties.getRequestUriIgnorePattern() != null) {
                manager.setRequestUriIgnorePattern(properties.getRequestUriIgnorePattern());
            }
            context.setManager(manager);
        });
    }
}
