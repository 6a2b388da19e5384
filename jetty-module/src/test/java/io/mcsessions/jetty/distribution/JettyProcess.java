package io.mcsessions.jetty.distribution;

import static io.mcsessions.testing.Polling.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.jetty.embedded.CounterWebapp;
import io.mcsessions.testing.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Jetty distribution process: its own jetty-base made the way the docs tell users (copy
 * {@code target/jetty-base/} in, {@code --add-modules=...}), the test webapp deployed as {@code webapps/counter/},
 * started with {@code java -jar $JETTY_HOME/start.jar} on a free port. Its console output is its log file.
 */
final class JettyProcess implements AutoCloseable {
    /** The modules every instance enables besides its environment's deployer; session-cache-null: non-sticky. */
    static final String MODULES = "http,session-cache-null,session-store-mcsessions";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final String worker;
    private final String environment;
    private final Path base;
    private final Path log;
    private final int port;
    private final Process process;

    private JettyProcess(String worker, String environment, Path base, int port, Process process) {
        this.worker = worker;
        this.environment = environment;
        this.base = base;
        this.log = base.resolve("jetty.log");
        this.port = port;
        this.process = process;
    }

    /** The unpacked jetty-home, from the build (the real tar.gz from Maven Central). */
    static Path jettyHome() {
        return requiredDirectory("mcsessions.jettyHome");
    }

    /** What the build put in {@code target/jetty-base/} for users to copy onto a jetty-base. */
    static Path jettyBaseFiles() {
        return requiredDirectory("mcsessions.jettyBaseFiles");
    }

    /**
     * Makes a jetty-base under {@code target/it/}, enables the modules with the deployer of {@code environment}
     * ({@code ee10} or {@code ee11}), deploys the webapp and starts Jetty with {@code properties} on the command
     * line; returns once the webapp answers.
     */
    static JettyProcess start(String worker, String environment, Map<String, String> properties) throws Exception {
        Path base = Paths.get(System.getProperty("basedir", ".")).toAbsolutePath()
                .resolve("target/it/jetty-base-" + worker);
        FileTrees.delete(base);
        FileTrees.copy(jettyBaseFiles(), base);
        run(base, List.of("--add-modules=" + environment + "-deploy," + MODULES));
        CounterWebapp.explode(base.resolve("webapps/counter"));

        int port = freePort();
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-jar",
                jettyHome().resolve("start.jar").toString(), "jetty.home=" + jettyHome(), "jetty.base=" + base,
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + port, "jetty.sessionIdManager.workerName=" + worker));
        properties.forEach((name, value) -> command.add(name + "=" + value));
        Process process = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(base.resolve("jetty.log").toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        JettyProcess jetty = new JettyProcess(worker, environment, base, port, process);
        try {
            jetty.awaitReady();
        } catch (Exception | AssertionError e) {
            jetty.close();
            throw e;
        }
        return jetty;
    }

    String worker() {
        return worker;
    }

    /** {@code worker (environment)}, for messages. */
    String describe() {
        return worker + " (" + environment + ")";
    }

    URI uri(String query) {
        return URI.create("http://127.0.0.1:" + port + "/counter/" + (query.isEmpty() ? "" : "?" + query));
    }

    /** Everything the instance logged so far. */
    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many lines of the log contain every one of {@code parts}. */
    long logLines(String... parts) {
        return log().lines().filter(line -> Stream.of(parts).allMatch(line::contains)).count();
    }

    /** The last lines of the log, for failure messages. */
    String logTail() {
        List<String> lines = log().lines().toList();
        return describe() + "'s log:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Stops Jetty (SIGTERM, then SIGKILL after 15 s) and waits for the process to end. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        await("Jetty " + worker + " serves /counter").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .failFast(() -> assertTrue(process.isAlive(), () -> "Jetty " + worker + " exited with "
                        + process.exitValue() + "\n" + logTail()))
                .untilAsserted(() -> assertEquals(200, status(client, uri("action=read")), this::logTail));
    }

    /** The status a GET of {@code uri} answers, or -1 while nothing listens. */
    private static int status(HttpClient client, URI uri) throws InterruptedException {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notYet) {
            return -1;
        }
    }

    /** Runs start.jar for a configuration command and checks it succeeded. */
    private static void run(Path base, List<String> arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", jettyHome().resolve("start.jar").toString(),
                "jetty.home=" + jettyHome(), "jetty.base=" + base));
        command.addAll(arguments);
        Path output = base.resolve("start-config.log");
        Process process = new ProcessBuilder(command).directory(base.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("start.jar " + arguments + " did not finish in 60 s");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("start.jar " + arguments + " failed:\n" + Files.readString(output));
        }
    }

    private static String javaBinary() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path requiredDirectory(String property) {
        String value = System.getProperty(property);
        if (value == null || !Files.isDirectory(Paths.get(value))) {
            throw new IllegalStateException("system property " + property + " must name a directory (the build sets "
                    + "it for the integration tests: mvn verify), but was " + value);
        }
        return Paths.get(value);
    }
}
