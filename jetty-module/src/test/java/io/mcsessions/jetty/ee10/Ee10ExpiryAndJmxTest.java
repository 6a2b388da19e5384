package io.mcsessions.jetty.ee10;

import io.mcsessions.jetty.embedded.ExpiryAndJmxScenarios;
import io.mcsessions.jetty.embedded.ServletEnvironment;

/** {@link ExpiryAndJmxScenarios} under Jetty's ee10 environment. */
class Ee10ExpiryAndJmxTest extends ExpiryAndJmxScenarios {
    @Override
    protected ServletEnvironment environment() {
        return new Ee10Environment();
    }
}
