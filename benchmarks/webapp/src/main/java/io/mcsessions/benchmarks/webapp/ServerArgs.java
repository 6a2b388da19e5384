package io.mcsessions.benchmarks.webapp;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * What the runner tells a benchmark server, and what the server owes the runner: one {@code READY} line on
 * stdout when it serves, and an exit when its stdin closes, so a runner that dies never leaves a server behind.
 *
 * <p>Command line: {@code --port=P --setup=NAME --nodes=n1:127.0.0.1:p1,n2:127.0.0.1:p2,...}.
 *
 * @param port  the HTTP port on 127.0.0.1
 * @param setup which session configuration to serve (each server lists its own)
 * @param nodes the memcached nodes, {@code id:host:port} separated by commas
 */
public record ServerArgs(int port, String setup, String nodes) {

    /** Context path of the measured application. */
    public static final String CONTEXT_PATH = "/bench";
    /** Servlet path of {@link CounterServlet} within it: the request writes the session. */
    public static final String SERVLET_PATH = "/hit";
    /** The same servlet at another path: the request only reads the session. */
    public static final String READ_PATH = "/read";
    /** Servlet path of {@link StatsServlet}: what the server saw, for the runner. */
    public static final String STATS_PATH = "/stats";

    /** Parses the command line, or exits with a message naming what is wrong. */
    public static ServerArgs parse(String[] args) {
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                badArguments("arguments are --port=P --setup=NAME --nodes=id:host:port,..., but got '" + arg + "'");
            }
            values.put(arg.substring(2, equals), arg.substring(equals + 1));
        }
        String port = values.getOrDefault("port", "");
        if (!port.matches("[0-9]{1,5}")) {
            badArguments("--port must be a port number, but was '" + port + "'");
        }
        String setup = values.getOrDefault("setup", "");
        if (setup.isEmpty()) {
            badArguments("--setup is required");
        }
        return new ServerArgs(Integer.parseInt(port), setup, values.getOrDefault("nodes", ""));
    }

    /** Prints the one line the runner waits for. */
    public void announceReady() {
        System.out.println("READY http://127.0.0.1:" + port + CONTEXT_PATH + SERVLET_PATH);
        System.out.flush();
    }

    /** Runs {@code stop} and exits the JVM once stdin reaches its end (the runner closed it or died). */
    public static void exitWhenStdinCloses(Runnable stop) {
        Thread watcher = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // The runner never writes; anything read is ignored.
                }
            } catch (IOException ignored) {
                // A broken stdin means the runner is gone, as an end of input does.
            }
            try {
                stop.run();
            } finally {
                System.exit(0);
            }
        }, "bench-stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Exits for a setup this server does not know, naming the ones it does. */
    public static void unknownSetup(String setup, String known) {
        badArguments("unknown --setup '" + setup + "'; this server knows " + known);
    }

    /** Exits for bad arguments, with the message on stderr. */
    public static void badArguments(String message) {
        System.err.println("benchmark server: " + message);
        System.exit(2);
    }
}
