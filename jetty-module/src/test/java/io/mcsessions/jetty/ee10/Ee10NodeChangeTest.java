package io.mcsessions.jetty.ee10;

import io.mcsessions.jetty.embedded.NodeChangeScenarios;
import io.mcsessions.jetty.embedded.ServletEnvironment;

/** {@link NodeChangeScenarios} under Jetty's ee10 environment. */
class Ee10NodeChangeTest extends NodeChangeScenarios {
    @Override
    protected ServletEnvironment environment() {
        return new Ee10Environment();
    }
}
