package io.mcsessions.core.internal;

/**
 * Creates the store's loggers under the store's own class loader. In Tomcat, {@code System.Logger} lands in
 * JULI, which files each logger under the thread's context class loader: a logger created while a web
 * application starts would belong to that application (and keep it in memory after it is undeployed), and
 * its lines would go to that application's log instead of the server's.
 */
public final class Logs {
    private Logs() {
    }

    public static System.Logger logger(String name) {
        return CoreThreads.withCoreLoader(() -> System.getLogger(name));
    }
}
