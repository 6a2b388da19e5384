package io.mcsessions.benchmarks.msm;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Serves {@link CounterServlet} on embedded Tomcat 9 with the session manager of one {@link BenchSetup}, for the
 * benchmark runner to compare memcached-session-manager (msm) with mcsessions.
 *
 * <p>Contract with the runner: {@code --port=P --setup=NAME --nodes=id:host:port,...}; the HTTP/1.1 connector listens
 * on 127.0.0.1 only; the servlet is at {@code /bench/hit} with the {@code JSESSIONID} cookie and a 30 minute session
 * timeout. Once the connector accepts, exactly one line goes to stdout, {@code READY http://127.0.0.1:P/bench/hit};
 * everything else goes to stderr. The server exits when its stdin reaches end of file, so a runner that dies leaves
 * no server behind. Bad arguments exit with status 2, a failed start with status 1.
 */
public final class MsmBenchServer {

    static {
        // Before any logger exists: spymemcached otherwise prints INFO lines through its own stderr logger, and the
        // one-line format only applies to a formatter created after it is set.
        System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SunLogger");
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT.%1$tL %4$s %3$s - %5$s%6$s%n");
        }
    }

    private static final Logger LOG = Logger.getLogger(MsmBenchServer.class.getName());

    private static final String CONTEXT_PATH = "/bench";
    private static final String SERVLET_PATH = "/hit";
    /** The counter servlet's read-only path. */
    static final String READ_PATH = "/read";
    private static final String STATS_PATH = "/stats";
    private static final String SESSION_COOKIE = "JSESSIONID";
    private static final int SESSION_TIMEOUT_MINUTES = 30;

    private final ServerArguments arguments;
    private final Tomcat tomcat = new Tomcat();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Path baseDir;

    private MsmBenchServer(ServerArguments arguments) {
        this.arguments = arguments;
    }

    /**
     * Starts the server, prints the READY line and waits until stdin closes.
     *
     * @param args {@code --port=P --setup=NAME --nodes=id:host:port,...}
     */
    public static void main(String[] args) {
        quietLogging();
        ServerArguments arguments;
        try {
            arguments = ServerArguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("MsmBenchServer: " + e.getMessage());
            System.err.println(ServerArguments.USAGE);
            System.exit(2);
            return;
        }
        MsmBenchServer server = new MsmBenchServer(arguments);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "bench-server-shutdown"));
        try {
            server.start();
        } catch (Exception e) {
            LOG.log(Level.SEVERE, server.name() + " - could not start", e);
            System.exit(1);
            return;
        }
        System.out.print("READY " + server.url() + "\n");
        System.out.flush();
        server.exitOnStdinEof();
        server.awaitStop();
    }

    /** Tomcat and msm at WARNING and above (msm is chatty at INFO); our own few lines at INFO. */
    private static void quietLogging() {
        Logger.getLogger("").setLevel(Level.WARNING);
        LOG.setLevel(Level.INFO);
    }

    private String name() {
        return arguments.setup().setupName() + " on port " + arguments.port();
    }

    private String url() {
        return "http://127.0.0.1:" + arguments.port() + CONTEXT_PATH + SERVLET_PATH;
    }

    private void start() throws IOException, LifecycleException {
        baseDir = Files.createTempDirectory("mcsessions-bench-msm-");
        tomcat.setBaseDir(baseDir.toString());

        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(arguments.port());
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);

        StandardContext context = (StandardContext) tomcat.addContext(CONTEXT_PATH, null);
        // Leak protection is for redeploys, and this JVM deploys once; on Java 17 it only logs WARNINGs at stop.
        context.setClearReferencesObjectStreamClassCaches(false);
        context.setClearReferencesThreadLocals(false);
        context.setClearReferencesRmiTargets(false);
        context.setSessionCookieName(SESSION_COOKIE);
        context.setSessionTimeout(SESSION_TIMEOUT_MINUTES);
        // msm adds its request tracking valves to this context and its host when the manager starts.
        context.setManager(arguments.setup().createManager(arguments));
        Tomcat.addServlet(context, "counter", new CounterServlet());
        context.addServletMappingDecoded(SERVLET_PATH, "counter");
        context.addServletMappingDecoded(READ_PATH, "counter");
        Tomcat.addServlet(context, "stats", new StatsServlet());
        context.addServletMappingDecoded(STATS_PATH, "stats");

        tomcat.start();
        // Tomcat logs a failed bind and carries on; the runner must not see READY for a port nobody serves.
        if (connector.getState() != LifecycleState.STARTED || connector.getLocalPort() != arguments.port()) {
            throw new IllegalStateException("the HTTP connector must listen on 127.0.0.1:" + arguments.port()
                    + ", but its state is " + connector.getState() + " (see Tomcat's log above)");
        }
        LOG.info(name() + " - started with " + context.getManager().getClass().getSimpleName()
                + (arguments.setup().usesMemcached() ? ", memcachedNodes=" + arguments.memcachedNodes() : ""));
    }

    private void exitOnStdinEof() {
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buffer = new byte[256];
                while (in.read(buffer) != -1) {
                    // the runner sends nothing; only the end of the stream matters
                }
                LOG.info(name() + " - stdin closed, stopping");
            } catch (IOException e) {
                LOG.log(Level.WARNING, name() + " - reading stdin failed, stopping as if it had closed", e);
            }
            stop();
            System.exit(0);
        }, "stdin-eof-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void awaitStop() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops Tomcat once, whichever comes first: stdin's end, a signal, or a failed start. */
    private void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException | RuntimeException e) {
            LOG.log(Level.WARNING, name() + " - stopping Tomcat failed", e);
        } finally {
            deleteBaseDir();
            stopped.countDown();
        }
    }

    private void deleteBaseDir() {
        Path dir = baseDir;
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.log(Level.WARNING, name() + " - could not delete Tomcat's base directory " + dir, e);
        }
    }
}
