package io.mcsessions.jetty.ee11;

import io.mcsessions.jetty.embedded.ExpiryAndJmxScenarios;
import io.mcsessions.jetty.embedded.ServletEnvironment;

/** {@link ExpiryAndJmxScenarios} under Jetty's ee11 environment. */
class Ee11ExpiryAndJmxTest extends ExpiryAndJmxScenarios {
    @Override
    protected ServletEnvironment environment() {
        return new Ee11Environment();
    }
}
