package io.mcsessions.jetty.ee11;

import io.mcsessions.jetty.embedded.NodeChangeScenarios;
import io.mcsessions.jetty.embedded.ServletEnvironment;

/** {@link NodeChangeScenarios} under Jetty's ee11 environment. */
class Ee11NodeChangeTest extends NodeChangeScenarios {
    @Override
    protected ServletEnvironment environment() {
        return new Ee11Environment();
    }
}
