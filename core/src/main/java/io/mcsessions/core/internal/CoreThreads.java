package io.mcsessions.core.internal;

import java.util.concurrent.ThreadFactory;

/**
 * Threads and objects created under the store's own class loader. A thread inherits the context class loader
 * of the thread that creates it; in a container that is often a web application's, and a long-lived thread
 * holding it keeps the application in memory after it is undeployed (Tomcat warns about exactly that).
 */
public final class CoreThreads {
    private static final ClassLoader CORE = CoreThreads.class.getClassLoader();

    private CoreThreads() {
    }

    /** Daemon threads named {@code name}, with the store's class loader as their context class loader. */
    public static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            thread.setContextClassLoader(CORE);
            return thread;
        };
    }

    /** Runs {@code action} with the store's class loader as the context class loader. */
    public static <T, E extends Exception> T withCoreLoader(ThrowingSupplier<T, E> action) throws E {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(CORE);
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** A supplier that may throw. */
    @FunctionalInterface
    public interface ThrowingSupplier<T, E extends Exception> {
        T get() throws E;
    }
}
