package io.mcsessions.boot.boot3;

import io.mcsessions.boot.ApplicationStore;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Boot 3.5's health API: the {@code mcsessions} health indicator (off with management.health.mcsessions.enabled=false). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"org.springframework.boot.actuate.health.HealthIndicator",
        "org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator"})
@ConditionalOnEnabledHealthIndicator("mcsessions")
public class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "mcsessionsHealthIndicator")
    McsessionsHealthIndicator mcsessionsHealthIndicator(ApplicationStore store) {
        return new McsessionsHealthIndicator(store);
    }
}
