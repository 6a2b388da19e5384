package io.mcsessions.core.internal;

import net.spy.memcached.compat.log.AbstractLogger;
import net.spy.memcached.compat.log.Level;

/**
 * Routes spymemcached's own log lines to {@link System.Logger} at DEBUG and below. spymemcached logs a
 * connection failure with a stack trace at WARN on every reconnect attempt; the store already reports node
 * health once per state change, so the library's lines are detail for debugging only.
 */
public final class SpyLogger extends AbstractLogger {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.spymemcached");

    public SpyLogger(String name) {
        super(name);
    }

    /** Installs this logger for spymemcached unless the user chose another one. Call before the first client. */
    static void install() {
        if (System.getProperty("net.spy.log.LoggerImpl") == null) {
            System.setProperty("net.spy.log.LoggerImpl", SpyLogger.class.getName());
        }
    }

    @Override
    public boolean isTraceEnabled() {
        return LOG.isLoggable(System.Logger.Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return LOG.isLoggable(System.Logger.Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return LOG.isLoggable(System.Logger.Level.DEBUG);
    }

    @Override
    public void log(Level level, Object message, Throwable e) {
        System.Logger.Level target = level == Level.TRACE || level == Level.DEBUG || level == Level.INFO
                ? System.Logger.Level.TRACE : System.Logger.Level.DEBUG;
        if (LOG.isLoggable(target)) {
            LOG.log(target, "spymemcached " + getName() + ": " + message, e);
        }
    }
}
