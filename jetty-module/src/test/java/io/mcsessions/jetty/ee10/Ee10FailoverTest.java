package io.mcsessions.jetty.ee10;

import io.mcsessions.jetty.embedded.FailoverScenarios;
import io.mcsessions.jetty.embedded.ServletEnvironment;

/** {@link FailoverScenarios} under Jetty's ee10 environment. */
class Ee10FailoverTest extends FailoverScenarios {
    @Override
    protected ServletEnvironment environment() {
        return new Ee10Environment();
    }
}
