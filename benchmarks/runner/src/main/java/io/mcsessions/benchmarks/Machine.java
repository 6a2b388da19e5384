package io.mcsessions.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the figures were measured on: hardware, system, JVM, memcached and the servers' versions. */
final class Machine {

    private static final Pattern JAR = Pattern.compile(
            "(tomcat-embed-core|jetty-server|memcached-session-manager-tc9|jetty-memcached-sessions|spymemcached"
                    + "|xmemcached)-([0-9][^/]*?)\\.jar");

    private Machine() {
    }

    static List<String> describe(Path root) {
        List<String> lines = new ArrayList<>();
        // The clock as well as the model: a virtual machine's model name ("AMD EPYC") can hide very different parts.
        String clock = firstValue(Path.of("/proc/cpuinfo"), "cpu MHz")
                .map(mhz -> String.format(Locale.ROOT, " at %.1f GHz", Double.parseDouble(mhz) / 1000)).orElse("");
        lines.add("CPU: " + firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown") + clock + ", "
                + Runtime.getRuntime().availableProcessors() + " cores visible to the JVM");
        firstValue(Path.of("/proc/meminfo"), "MemTotal").ifPresent(kb -> lines.add(String.format(Locale.ROOT,
                "Memory: %.1f GiB", Long.parseLong(kb.replaceAll("\\D", "")) / 1024.0 / 1024.0)));
        String os = firstValue(Path.of("/etc/os-release"), "PRETTY_NAME").map(v -> v.replace("\"", ""))
                .orElse(System.getProperty("os.name"));
        lines.add("System: " + os + ", kernel " + System.getProperty("os.version"));
        lines.add("Java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        lines.add("memcached: " + command("memcached", "-V"));
        TreeSet<String> versions = new TreeSet<>();
        for (String module : List.of("tomcat", "msm", "jetty")) {
            Path classPath = root.resolve("benchmarks").resolve(module).resolve("target/classpath.txt");
            try {
                Matcher jar = JAR.matcher(Files.readString(classPath));
                while (jar.find()) {
                    versions.add(jar.group(1) + " " + jar.group(2));
                }
            } catch (IOException e) {
                versions.add("(no class path for benchmarks/" + module + ")");
            }
        }
        lines.add("Servers and clients: " + String.join(", ", versions));
        return lines;
    }

    private static java.util.Optional<String> firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int separator = line.indexOf(line.contains(":") && !file.endsWith("os-release") ? ':' : '=');
                if (separator > 0 && line.substring(0, separator).trim().equals(key)) {
                    return java.util.Optional.of(line.substring(separator + 1).trim());
                }
            }
        } catch (IOException e) {
            // not Linux: the caller says unknown
        }
        return java.util.Optional.empty();
    }

    private static String command(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            process.waitFor(10, TimeUnit.SECONDS);
            return output;
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
