package io.mcsessions.benchmarks.jmh;

/** The memcached nodes the runner started, handed to JMH's forked JVMs as a system property. */
public final class Nodes {

    /** System property with the nodes, {@code n1:127.0.0.1:p1,n2:...}. */
    public static final String PROPERTY = "mcsessions.benchmarks.nodes";

    private Nodes() {
    }

    static String fromSystemProperty() {
        String nodes = System.getProperty(PROPERTY, "");
        if (nodes.isBlank()) {
            throw new IllegalStateException("-D" + PROPERTY + " must name the memcached nodes (the runner sets it)");
        }
        return nodes;
    }
}
