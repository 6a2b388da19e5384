package io.mcsessions.examples;

/** One running web server of the demo. */
public interface Instance extends AutoCloseable {

    /** e.g. {@code tomcat-a}. */
    String name();

    /** The sample application's base URL, e.g. {@code http://127.0.0.1:8081/shop}. */
    String url();

    @Override
    void close();
}
