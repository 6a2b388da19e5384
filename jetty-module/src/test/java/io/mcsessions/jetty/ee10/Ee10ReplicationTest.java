package io.mcsessions.jetty.ee10;

import io.mcsessions.jetty.embedded.ReplicationScenarios;
import io.mcsessions.jetty.embedded.ServletEnvironment;

/** {@link ReplicationScenarios} under Jetty's ee10 environment. */
class Ee10ReplicationTest extends ReplicationScenarios {
    @Override
    protected ServletEnvironment environment() {
        return new Ee10Environment();
    }
}
