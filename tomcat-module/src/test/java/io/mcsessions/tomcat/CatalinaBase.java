package io.mcsessions.tomcat;

import static io.mcsessions.testing.Polling.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real Tomcat process from the unpacked distribution, with its own CATALINA_BASE: the mcsessions
 * {@code -all.jar} in {@code lib}, a webapp {@code /app} whose context.xml declares the Manager, and a free
 * loopback port. Started with {@code org.apache.catalina.startup.Bootstrap}, killed when closed.
 */
final class CatalinaBase implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Path home;
    private final Path base;
    private final int port;
    private Process process;

    CatalinaBase(Path home, Path base, Path allJar, Path webappClasses, String managerElement) throws IOException {
        this.home = home;
        this.base = base;
        this.port = freePort();
        for (String dir : List.of("conf", "logs", "temp", "webapps/app/META-INF", "webapps/app/WEB-INF/classes",
                "work", "lib")) {
            Files.createDirectories(base.resolve(dir));
        }
        for (String file : List.of("catalina.properties", "context.xml", "logging.properties", "web.xml")) {
            Files.copy(home.resolve("conf").resolve(file), base.resolve("conf").resolve(file),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(base.resolve("conf/server.xml"), """
                <Server port="-1" shutdown="SHUTDOWN">
                  <Listener className="org.apache.catalina.startup.VersionLoggerListener"/>
                  <Service name="Catalina">
                    <Connector port="%d" address="127.0.0.1" protocol="HTTP/1.1" connectionTimeout="20000"/>
                    <Engine name="Catalina" defaultHost="localhost">
                      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false"/>
                    </Engine>
                  </Service>
                </Server>
                """.formatted(port));
        Files.copy(allJar, base.resolve("lib").resolve(allJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(base.resolve("webapps/app/META-INF/context.xml"), "<Context>\n  " + managerElement
                + "\n</Context>\n");
        Files.writeString(base.resolve("webapps/app/WEB-INF/web.xml"), """
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <servlet>
                    <servlet-name>counter</servlet-name>
                    <servlet-class>io.mcsessions.tomcat.CounterServlet</servlet-class>
                  </servlet>
                  <servlet-mapping>
                    <servlet-name>counter</servlet-name>
                    <url-pattern>/*</url-pattern>
                  </servlet-mapping>
                </web-app>
                """);
        FileTrees.copy(webappClasses, base.resolve("webapps/app/WEB-INF/classes"));
    }

    /** Starts the process and waits (bounded) until /app answers. */
    void start() throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                "--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED",
                "-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager",
                "-Djava.util.logging.config.file=" + base.resolve("conf/logging.properties"),
                "-Dcatalina.home=" + home, "-Dcatalina.base=" + base,
                "-Djava.io.tmpdir=" + base.resolve("temp"),
                "-cp", home.resolve("bin/bootstrap.jar") + java.io.File.pathSeparator + home.resolve("bin/tomcat-juli.jar"),
                "org.apache.catalina.startup.Bootstrap", "start"));
        java.io.File out = base.resolve("logs/catalina.out").toFile();
        Process started = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out)).start();
        process = started;
        await("Tomcat in " + base + " answers").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .failFast(() -> assertTrue(started.isAlive(), () -> "Tomcat in " + base + " exited with "
                        + started.exitValue() + ":\n" + logs()))
                .untilAsserted(() -> assertTrue(answers(), () -> url("/id") + " does not answer 200; the logs:\n"
                        + logs()));
    }

    private boolean answers() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url("/id")))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + "/app" + path;
    }

    Path base() {
        return base;
    }

    /** Every log file of this base, concatenated, each line prefixed with its file name. */
    String logs() {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            for (Path file : files.sorted().toList()) {
                for (String line : Files.readAllLines(file)) {
                    all.append(file.getFileName()).append(": ").append(line).append('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the logs of " + base, e);
        }
        return all.toString();
    }

    /** The lines of the catalina log file (logs/catalina.&lt;date&gt;.log). */
    List<String> catalinaLog() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(base.resolve("logs"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("catalina\\..*\\.log")).toList()) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        return lines;
    }

    @Override
    public void close() {
        Process running = process;
        if (running != null) {
            running.destroyForcibly();
            try {
                running.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
