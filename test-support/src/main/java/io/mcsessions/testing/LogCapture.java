package io.mcsessions.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that captures the {@code java.util.logging} records of one logger and its
 * children, for tests that assert what was logged.
 *
 * <pre>{@code
 * @RegisterExtension
 * final LogCapture logs = LogCapture.forLogger("io.mcsessions");
 * ...
 * assertEquals(1, logs.count(Level.WARNING, "n2 is down"), logs.dump());
 * }</pre>
 *
 * <p>The JDK's {@link System.Logger} writes to {@code java.util.logging} by default, with these levels:
 * WARNING to {@link Level#WARNING}, INFO to {@link Level#INFO}, DEBUG to {@link Level#FINE}, TRACE to
 * {@link Level#FINER}, ERROR to {@link Level#SEVERE}.
 *
 * <p>Before each test, the capture is cleared, a handler at {@link Level#ALL} is added to the logger and
 * the logger's level is set to ALL; after each test both are undone. Records still reach the logger's
 * other handlers. Thread-safe: records may come from any thread.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    /** The logger captured by {@link #forDefaultLogger()}: the whole product. */
    public static final String DEFAULT_LOGGER = "io.mcsessions";

    private static final SimpleFormatter FORMATTER = new SimpleFormatter();

    private final String loggerName;
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler handler = new CapturingHandler();
    // A strong reference: JUL holds loggers weakly, and a collected logger would lose the level set here.
    private Logger logger;
    private Level savedLevel;

    private LogCapture(String loggerName) {
        this.loggerName = loggerName;
    }

    /** Captures the logger {@code loggerName} and every logger below it (e.g. {@code "io.mcsessions"}). */
    public static LogCapture forLogger(String loggerName) {
        if (loggerName == null) {
            throw new IllegalArgumentException("loggerName must not be null; use \"\" for the root logger");
        }
        return new LogCapture(loggerName);
    }

    /** Captures {@value #DEFAULT_LOGGER} and every logger below it. */
    public static LogCapture forDefaultLogger() {
        return forLogger(DEFAULT_LOGGER);
    }

    @Override
    public synchronized void beforeEach(ExtensionContext context) {
        clear();
        if (logger != null) {
            return;
        }
        logger = Logger.getLogger(loggerName);
        savedLevel = logger.getLevel();
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
        logger.setLevel(Level.ALL);
    }

    @Override
    public synchronized void afterEach(ExtensionContext context) {
        if (logger == null) {
            return;
        }
        logger.removeHandler(handler);
        logger.setLevel(savedLevel);
        logger = null;
        savedLevel = null;
    }

    /** Every record captured since the test started or {@link #clear()}, oldest first; a snapshot. */
    public List<LogRecord> records() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    /** The records at exactly {@code level}. */
    public List<LogRecord> at(Level level) {
        return records().stream().filter(record -> record.getLevel().equals(level)).collect(Collectors.toList());
    }

    /** How many records at exactly {@code level} have a formatted message containing {@code substring}. */
    public long count(Level level, String substring) {
        return messages(level).stream().filter(message -> message.contains(substring)).count();
    }

    /** The formatted messages (parameters filled in) of the records at exactly {@code level}, oldest first. */
    public List<String> messages(Level level) {
        return at(level).stream().map(FORMATTER::formatMessage).collect(Collectors.toList());
    }

    /** Forgets every record captured so far. */
    public void clear() {
        synchronized (records) {
            records.clear();
        }
    }

    /** Every captured record, one a line ({@code LEVEL logger: message}, plus the thrown exception), for assertion messages. */
    public String dump() {
        List<LogRecord> snapshot = records();
        if (snapshot.isEmpty()) {
            return "no log records captured from '" + loggerName + "'";
        }
        StringBuilder out = new StringBuilder(snapshot.size() + " log records captured from '" + loggerName + "':");
        for (LogRecord record : snapshot) {
            out.append("\n  ").append(record.getLevel()).append(' ').append(record.getLoggerName()).append(": ")
                    .append(FORMATTER.formatMessage(record));
            if (record.getThrown() != null) {
                out.append(" [").append(record.getThrown()).append(']');
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "LogCapture(" + loggerName + ", " + records().size() + " records)";
    }

    private final class CapturingHandler extends Handler {
        @Override
        public void publish(LogRecord record) {
            if (record != null && isLoggable(record)) {
                synchronized (records) {
                    records.add(record);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
