package io.mcsessions.benchmarks.jetty;

import io.mcsessions.benchmarks.webapp.CounterServlet;
import io.mcsessions.benchmarks.webapp.ServerArgs;
import io.mcsessions.benchmarks.webapp.StatsServlet;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The benchmark's Jetty server: {@link CounterServlet} at {@code /bench/hit} on embedded Jetty 12.1 (ee10), in one
 * of the {@link SessionSetup}s.
 *
 * <pre>java -cp ... io.mcsessions.benchmarks.jetty.JettyBenchServer --port=P --setup=NAME
 *     --nodes=n1:127.0.0.1:p1,n2:127.0.0.1:p2,n3:127.0.0.1:p3</pre>
 *
 * <p>Once the connector accepts, stdout gets one line, {@code READY http://127.0.0.1:P/bench/hit}, and nothing
 * else; Jetty logs warnings and errors to stderr. The server stops and the JVM exits when stdin reaches its end,
 * so a runner that dies leaves no server behind. Bad arguments or a failed start end the JVM with a message on
 * stderr and a non-zero status.
 */
public final class JettyBenchServer {
    static final String HOST = "127.0.0.1";
    static final String CONTEXT_PATH = ServerArgs.CONTEXT_PATH;
    static final String SERVLET_PATH = ServerArgs.SERVLET_PATH;
    static final String SESSION_COOKIE = "JSESSIONID";
    static final Duration MAX_INACTIVE = Duration.ofMinutes(30);

    private static final int EXIT_START_FAILED = 1;

    private JettyBenchServer() {
    }

    public static void main(String[] argv) {
        ServerArgs args = ServerArgs.parse(argv);
        SessionSetup setup = SessionSetup.named(args.setup());
        if (setup == null) {
            ServerArgs.unknownSetup(args.setup(), SessionSetup.names());
            return;
        }
        if (setup.usesMemcached() && args.nodes().isBlank()) {
            ServerArgs.badArguments("--nodes is required for setup " + setup.setupName());
        }
        MemcachedNodes nodes = null;
        try {
            nodes = args.nodes().isBlank() ? null : MemcachedNodes.parse(args.nodes());
        } catch (IllegalArgumentException e) {
            ServerArgs.badArguments(e.getMessage());
        }
        Server server = newServer(args.port(), setup, nodes);
        try {
            server.start();
        } catch (Exception e) {
            System.err.println("JettyBenchServer: setup " + setup.setupName() + " did not start on port "
                    + args.port() + ": " + e);
            e.printStackTrace();
            stopQuietly(server);
            System.exit(EXIT_START_FAILED);
            return;
        }
        ServerArgs.exitWhenStdinCloses(() -> stopQuietly(server));
        args.announceReady();
    }

    static Server newServer(int port, SessionSetup setup, MemcachedNodes nodes) {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(HOST);
        connector.setPort(port);
        server.addConnector(connector);
        setup.install(server, nodes);

        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath(CONTEXT_PATH);
        SessionHandler sessions = context.getSessionHandler();
        sessions.setSessionCookie(SESSION_COOKIE);
        sessions.setMaxInactiveInterval((int) MAX_INACTIVE.toSeconds());
        context.addServlet(CounterServlet.class, SERVLET_PATH);
        context.addServlet(CounterServlet.class, ServerArgs.READ_PATH);
        context.addServlet(StatsServlet.class, ServerArgs.STATS_PATH);
        server.setHandler(context);
        return server;
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            System.err.println("JettyBenchServer: the server did not stop cleanly: " + e);
        }
    }
}
