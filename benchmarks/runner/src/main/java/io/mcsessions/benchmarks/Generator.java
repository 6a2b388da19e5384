package io.mcsessions.benchmarks;

/** The two load generators, run back to back against the same server with the same sessions. */
enum Generator {
    /** wrk (C, epoll; a Debian package): 2 threads, the connections spread over them. What users' tools measure. */
    WRK("wrk", "wrk"),
    /** {@link LoadGenerator}: one Java thread per connection, in the runner's JVM. */
    JAVA("java", "Java generator");

    private final String key;
    private final String label;

    Generator(String key, String label) {
        this.key = key;
        this.label = label;
    }

    String key() {
        return key;
    }

    String label() {
        return label;
    }

    static Generator named(String key) {
        for (Generator generator : values()) {
            if (generator.key.equals(key)) {
                return generator;
            }
        }
        throw new IllegalArgumentException("--generators must name generators among wrk, java, but one was '" + key
                + "'");
    }
}
