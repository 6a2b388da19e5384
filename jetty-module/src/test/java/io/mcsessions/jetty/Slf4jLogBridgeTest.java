package io.mcsessions.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** mcsessions logs through System.Logger (java.util.logging); the bridge puts those lines in Jetty's log. */
class Slf4jLogBridgeTest {
    private final ByteArrayOutputStream jettyLog = new ByteArrayOutputStream();
    private StdErrAppender appender;
    private PrintStream original;

    @BeforeEach
    void captureJettyLog() {
        appender = (StdErrAppender) ((JettyLogger) LoggerFactory.getLogger("io.mcsessions")).getAppender();
        original = appender.getStream();
        appender.setStream(new PrintStream(jettyLog, true, StandardCharsets.UTF_8));
        Slf4jLogBridge.install();
    }

    @AfterEach
    void restore() {
        appender.setStream(original);
        Slf4jLogBridge.uninstall();
    }

    @Test
    void systemLoggerWarningAppearsInJettyLogFormat() {
        System.getLogger("io.mcsessions.core.NodeHealth").log(System.Logger.Level.WARNING,
                "memcached node {0} is down ({1})", "n2 (10.0.0.2:11211)", "connection refused");

        String line = jettyLog.toString(StandardCharsets.UTF_8);
        assertTrue(line.matches("(?s)\\d{4}-\\d\\d-\\d\\d [0-9:.]+:WARN :imc\\.NodeHealth:[^:]+: memcached node "
                + "n2 \\(10\\.0\\.0\\.2:11211\\) is down \\(connection refused\\)\\R"), line);
    }

    @Test
    void linesGoToJettyOnlyOnce() {
        assertFalse(Logger.getLogger(Slf4jLogBridge.LOGGER_NAME).getUseParentHandlers(),
                "the console handler of java.util.logging would print them a second time");

        System.getLogger("io.mcsessions.jetty.Test").log(System.Logger.Level.INFO, "once");

        assertEquals(1, jettyLog.toString(StandardCharsets.UTF_8).lines().filter(l -> l.endsWith(": once")).count());
    }

    @Test
    void debugLinesStayOutUnlessJettyLogsDebug() {
        System.getLogger("io.mcsessions.jetty.Test").log(System.Logger.Level.DEBUG, "detail");

        assertFalse(jettyLog.toString(StandardCharsets.UTF_8).contains("detail"));
    }
}
