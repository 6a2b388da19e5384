package io.mcsessions.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application whose sessions live on memcached: mcsessions-spring-boot-starter and mcsessions-tomcat
 * on the class path, and {@code mcsessions.*} in application.properties. No code of its own is needed for it.
 */
@SpringBootApplication
public class SampleApplication {
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }
}
