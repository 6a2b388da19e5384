package io.mcsessions.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** A Spring Boot application whose sessions live on memcached through the mcsessions Manager. */
@SpringBootApplication
@EnableConfigurationProperties(McsessionsProperties.class)
public class SampleApplication {
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
