package io.mcsessions.jetty.ee11;

import io.mcsessions.jetty.embedded.ReplicationScenarios;
import io.mcsessions.jetty.embedded.ServletEnvironment;

/** {@link ReplicationScenarios} under Jetty's ee11 environment. */
class Ee11ReplicationTest extends ReplicationScenarios {
    @Override
    protected ServletEnvironment environment() {
        return new Ee11Environment();
    }
}
