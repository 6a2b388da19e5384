package io.mcsessions.examples;

/** One running web server of the demo: its name, where the sample application is, and how to stop it. */
public final class Instance implements AutoCloseable {
    static final String CONTEXT_PATH = "/shop";

    /** Stops the server. */
    @FunctionalInterface
    interface Stop {
        void run() throws Exception;
    }

    private final String name;
    private final int port;
    private final Stop stop;

    Instance(String name, int port, Stop stop) {
        this.name = name;
        this.port = port;
        this.stop = stop;
    }

    /** e.g. {@code tomcat-a}. */
    public String name() {
        return name;
    }

    /** The sample application's base URL, e.g. {@code http://127.0.0.1:8081/shop}. */
    public String url() {
        return "http://127.0.0.1:" + port + CONTEXT_PATH;
    }

    @Override
    public void close() {
        try {
            stop.run();
        } catch (Exception e) {
            System.err.println(name + " did not stop cleanly: " + e.getMessage());
        }
    }
}
