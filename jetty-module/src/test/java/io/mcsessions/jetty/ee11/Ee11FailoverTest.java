package io.mcsessions.jetty.ee11;

import io.mcsessions.jetty.embedded.FailoverScenarios;
import io.mcsessions.jetty.embedded.ServletEnvironment;

/** {@link FailoverScenarios} under Jetty's ee11 environment. */
class Ee11FailoverTest extends FailoverScenarios {
    @Override
    protected ServletEnvironment environment() {
        return new Ee11Environment();
    }
}
