package io.mcsessions.boot.boot4;

import io.mcsessions.boot.ApplicationStore;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Boot 4's health API: the {@code mcsessions} health indicator (off with management.health.mcsessions.enabled=false). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = {"org.springframework.boot.health.contributor.HealthIndicator",
        "org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator"})
@ConditionalOnEnabledHealthIndicator("mcsessions")
public class HealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "mcsessionsHealthIndicator")
    McsessionsHealthIndicator mcsessionsHealthIndicator(ApplicationStore store) {
        return new McsessionsHealthIndicator(store);
    }
}
