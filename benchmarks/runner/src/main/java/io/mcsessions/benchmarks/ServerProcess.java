package io.mcsessions.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A benchmark server in its own JVM, started from one of the server modules' class paths. It prints
 * {@code READY <url>} when it serves, and exits when its stdin closes (see {@code ServerArgs}); its output goes to
 * a log file next to the report's working files.
 */
final class ServerProcess implements AutoCloseable {

    /** The same heap for every server, so that no configuration wins by memory. */
    static final List<String> JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");

    private static final long READY_TIMEOUT_SECONDS = 120;

    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} of the server module {@code module} (a folder under {@code benchmarks/}) with the
     * given setup, and waits until it serves.
     */
    static ServerProcess start(Path root, String module, String mainClass, String setup, String nodes, Path logDir)
            throws IOException {
        Path moduleDir = root.resolve("benchmarks").resolve(module);
        Path classPathFile = moduleDir.resolve("target/classpath.txt");
        if (!Files.isRegularFile(classPathFile)) {
            throw new IllegalStateException("the server module benchmarks/" + module + " is not built (no "
                    + classPathFile + "); build it with ./bench.sh or mvn package");
        }
        String classPath = moduleDir.resolve("target/classes") + java.io.File.pathSeparator
                + Files.readString(classPathFile).trim();
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        String extra = System.getenv("MCSESSIONS_BENCH_SERVER_OPTS"); // e.g. a profiler, for one run by hand
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.replace("{setup}", setup).trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", classPath, mainClass, "--port=" + port, "--setup=" + setup,
                "--nodes=" + nodes));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(setup + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        ServerProcess server = new ServerProcess(process, port, log);
        server.awaitReady(setup);
        return server;
    }

    int port() {
        return port;
    }

    /** The server JVM's process id, for its CPU time and for jcmd. */
    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    private void awaitReady(String setup) throws IOException {
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Writer logWriter = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        Thread pump = new Thread(() -> {
            try (BufferedReader output = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)); logWriter) {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    logWriter.write(line);
                    logWriter.write('\n');
                    if (line.startsWith("READY ")) {
                        logWriter.flush();
                        ready.complete(true);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(new UncheckedIOException(e));
            }
            ready.complete(false);
        }, "server-output-" + setup);
        pump.setDaemon(true);
        pump.start();
        boolean serving;
        try {
            serving = ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            serving = false;
        } catch (ExecutionException e) {
            throw new IOException("reading the output of server " + setup + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            serving = false;
        }
        if (!serving) {
            close();
            throw new IllegalStateException("the benchmark server for setup " + setup + " did not start within "
                    + READY_TIMEOUT_SECONDS + " s; its output is in " + log);
        }
    }

    /** Closes the server's stdin (it stops itself), then kills it if it has not stopped within 20 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the process is gone already
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
