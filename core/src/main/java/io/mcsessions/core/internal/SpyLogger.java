package io.mcsessions.core.internal;

import java.net.SocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.spy.memcached.compat.log.AbstractLogger;
import net.spy.memcached.compat.log.Level;

/**
 * Routes spymemcached's own log lines to {@link System.Logger} at DEBUG and below. spymemcached logs a
 * connection failure with a stack trace at WARN on every reconnect attempt; the store already reports node
 * health once per state change, so the library's lines are detail for debugging only.
 */
public final class SpyLogger extends AbstractLogger {
    private static final System.Logger LOG = Logs.logger("io.mcsessions.spymemcached");
    private static final String AUTH_FAILED = "Authentication failed to ";
    /** spymemcached reports a rejected SASL login only as a log line; these hear it, by node address. */
    private static final Map<String, Set<Runnable>> AUTH_WATCHERS = new ConcurrentHashMap<>();

    public SpyLogger(String name) {
        super(name);
    }

    /** Installs this logger for spymemcached unless the user chose another one. Call before the first client. */
    static void install() {
        if (System.getProperty("net.spy.log.LoggerImpl") == null) {
            System.setProperty("net.spy.log.LoggerImpl", SpyLogger.class.getName());
        }
    }

    /** Runs {@code onFailure} whenever spymemcached reports a failed SASL login to {@code address}. */
    static Runnable watchAuthentication(SocketAddress address, Runnable onFailure) {
        String key = address.toString();
        AUTH_WATCHERS.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(onFailure);
        return () -> AUTH_WATCHERS.getOrDefault(key, Set.of()).remove(onFailure);
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start) + start.length();
        int to = text.indexOf(end, from);
        return text.substring(from, to < 0 ? text.length() : to);
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
        // Always: spymemcached's INFO lines are rare (connection events) and carry the login failures we watch.
        return true;
    }

    @Override
    public void log(Level level, Object message, Throwable e) {
        String text = String.valueOf(message);
        String address = null;
        if (text.startsWith(AUTH_FAILED)) {
            address = between(text, AUTH_FAILED, ",");
        } else if (e != null && String.valueOf(e.getMessage()).contains("Auth failure") && text.contains("{QA sa=")) {
            // The IO thread reports a rejected login just before it drops the connection.
            address = between(text, "{QA sa=", ",");
        }
        if (address != null) {
            AUTH_WATCHERS.getOrDefault(address, Set.of()).forEach(Runnable::run);
        }
        System.Logger.Level target = level == Level.TRACE || level == Level.DEBUG || level == Level.INFO
                ? System.Logger.Level.TRACE : System.Logger.Level.DEBUG;
        if (LOG.isLoggable(target)) {
            LOG.log(target, "spymemcached " + getName() + ": " + message, e);
        }
    }
}
