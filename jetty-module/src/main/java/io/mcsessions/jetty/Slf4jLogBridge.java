package io.mcsessions.jetty;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Sends the log records of mcsessions ({@code io.mcsessions.*}) to SLF4J, where Jetty logs.
 *
 * <p>mcsessions' core logs through {@link System.Logger}, which without a logger finder of its own lands in
 * {@code java.util.logging}. Jetty logs through SLF4J, and its distribution does not capture
 * {@code java.util.logging}: without this bridge, failover warnings would reach the console in another format
 * and would not follow Jetty's logging configuration (levels, a log file, Logback or Log4j2). A
 * {@code System.LoggerFinder} service cannot do this job in the distribution, because the JDK looks for one on the
 * system class path only, and Jetty loads modules' jars in its own class loader.
 *
 * <p>The bridge takes the {@code io.mcsessions} records off their parent handlers, so none is printed twice,
 * and lowers their level when SLF4J has debug enabled for {@code io.mcsessions}. It installs nothing when SLF4J
 * has no provider, since it would swallow the warnings.
 */
final class Slf4jLogBridge extends Handler {
    static final String LOGGER_NAME = "io.mcsessions";
    private static final Formatter MESSAGES = new SimpleFormatter();
    /** A strong reference: java.util.logging keeps loggers weakly, and would forget the handler with the logger. */
    private static Logger bridged;

    private Slf4jLogBridge() {
    }

    /** Installs the bridge once per class loader; returns whether it is installed. */
    static synchronized boolean install() {
        if (bridged != null) {
            return true;
        }
        if (LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory) {
            return false;
        }
        Logger logger = Logger.getLogger(LOGGER_NAME);
        org.slf4j.Logger target = LoggerFactory.getLogger(LOGGER_NAME);
        if (logger.getLevel() == null && target.isDebugEnabled()) {
            logger.setLevel(target.isTraceEnabled() ? Level.FINEST : Level.FINE);
        }
        logger.addHandler(new Slf4jLogBridge());
        logger.setUseParentHandlers(false);
        bridged = logger;
        return true;
    }

    /** Removes the bridge (for tests); records go to the parent handlers again. */
    static synchronized void uninstall() {
        if (bridged == null) {
            return;
        }
        for (Handler handler : bridged.getHandlers()) {
            if (handler instanceof Slf4jLogBridge) {
                bridged.removeHandler(handler);
            }
        }
        bridged.setUseParentHandlers(true);
        bridged = null;
    }

    @Override
    public void publish(LogRecord record) {
        if (record == null) {
            return;
        }
        String name = record.getLoggerName() == null ? LOGGER_NAME : record.getLoggerName();
        org.slf4j.Logger logger = LoggerFactory.getLogger(name);
        int level = record.getLevel().intValue();
        Throwable thrown = record.getThrown();
        if (level >= Level.SEVERE.intValue()) {
            if (logger.isErrorEnabled()) {
                logger.error(MESSAGES.formatMessage(record), thrown);
            }
        } else if (level >= Level.WARNING.intValue()) {
            if (logger.isWarnEnabled()) {
                logger.warn(MESSAGES.formatMessage(record), thrown);
            }
        } else if (level >= Level.INFO.intValue()) {
            if (logger.isInfoEnabled()) {
                logger.info(MESSAGES.formatMessage(record), thrown);
            }
        } else if (level >= Level.FINE.intValue()) {
            if (logger.isDebugEnabled()) {
                logger.debug(MESSAGES.formatMessage(record), thrown);
            }
        } else if (logger.isTraceEnabled()) {
            logger.trace(MESSAGES.formatMessage(record), thrown);
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
