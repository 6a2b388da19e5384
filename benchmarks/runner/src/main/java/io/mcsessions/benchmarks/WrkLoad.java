package io.mcsessions.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load from wrk, the C load generator most users reach for: {@link #THREADS} threads, the same connections,
 * sessions and mix as the Java generator, driven by {@code wrk-sessions.lua}. wrk has no warm-up of its own, so a
 * warm-up run comes first; the measured run is a second wrk process, and its CPU time comes from the shell that
 * waited for it ({@code times}).
 */
final class WrkLoad {

    /**
     * wrk's threads: one per core of the machine it was measured on, as in issue 14. The system property
     * {@code mcsessions.benchmarks.wrkThreads} changes it, for the experiment in performance.md (32 threads, as
     * many as the Java generator's).
     */
    static final int THREADS = Integer.getInteger("mcsessions.benchmarks.wrkThreads", 2);

    private static final Pattern RESULT = Pattern.compile("WRK_RESULT requests=(\\d+) duration_us=(\\d+) "
            + "p50_us=(\\d+) p99_us=(\\d+) p999_us=(\\d+) max_us=(\\d+) connect=(\\d+) read=(\\d+) write=(\\d+) "
            + "status=(\\d+) timeout=(\\d+)");
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([0-9.]+)s (\\d+)m([0-9.]+)s");

    /** What to load. */
    record Settings(int port, Path sessionsFile, Mix mix, int connections, Duration warmup, Duration measured) {
    }

    /** What one measured wrk run reported, and its own CPU time. */
    record Outcome(Measurement load, long cpuMicros) {
    }

    private final Path script;

    private WrkLoad(Path script) {
        this.script = script;
    }

    /** wrk on the PATH, if there is one. */
    static Optional<Path> binary() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "wrk");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Writes the Lua script into {@code workDir} for wrk to read. */
    static WrkLoad prepare(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path script = workDir.resolve("wrk-sessions.lua");
        try (InputStream in = WrkLoad.class.getResourceAsStream("wrk-sessions.lua")) {
            if (in == null) {
                throw new IllegalStateException("wrk-sessions.lua is missing from the runner's classes");
            }
            Files.write(script, in.readAllBytes());
        }
        return new WrkLoad(script);
    }

    /** A warm-up run (not measured), then the measured run, inside {@code window}. */
    Outcome run(Settings settings, LoadGenerator.Window window) throws IOException, InterruptedException {
        if (!settings.warmup().isZero()) {
            exec(settings, settings.warmup());
        }
        window.open();
        Outcome outcome;
        try {
            outcome = exec(settings, settings.measured());
        } finally {
            window.close();
        }
        return outcome;
    }

    private Outcome exec(Settings settings, Duration duration) throws IOException, InterruptedException {
        long seconds = Math.max(1, Math.round(duration.toMillis() / 1000.0));
        List<String> command = new ArrayList<>(List.of("bash", "-c", "wrk \"$@\"; status=$?; times; exit $status",
                "wrk", "-t" + THREADS, "-c" + settings.connections(), "-d" + seconds + "s", "--timeout", "10s",
                "-s", script.toString(), "http://127.0.0.1:" + settings.port() + Mix.WRITE_PATH, "--",
                settings.sessionsFile().toString(), settings.mix().writeShareText(), RunBenchmarks.COOKIE,
                Mix.WRITE_PATH, Mix.READ_PATH));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(seconds + 60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("wrk did not end within " + (seconds + 60) + " s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("wrk exited with status " + process.exitValue() + ": " + output.trim());
        }
        return parse(output);
    }

    /** Reads the script's {@code WRK_RESULT} line and the children's line of bash's {@code times}. */
    static Outcome parse(String output) throws IOException {
        Matcher result = RESULT.matcher(output);
        if (!result.find()) {
            throw new IOException("wrk printed no WRK_RESULT line: " + output.trim());
        }
        long[] v = new long[11];
        for (int i = 0; i < v.length; i++) {
            v[i] = Long.parseLong(result.group(i + 1));
        }
        long errors = v[6] + v[7] + v[8] + v[9] + v[10];
        String firstError = errors == 0 ? null : String.format(java.util.Locale.ROOT,
                "wrk: %d connect, %d read, %d write, %d non-2xx, %d timeout errors", v[6], v[7], v[8], v[9], v[10]);
        Measurement load = Measurement.summary(v[0], v[1] / 1e6, v[2], v[3], v[4], v[5], errors, firstError);
        // bash's times prints the shell's own user/system time, then its children's: wrk's.
        Matcher times = TIMES.matcher(output.substring(result.end()));
        long cpu = -1;
        for (int line = 0; times.find(); line++) {
            if (line == 1) {
                cpu = Math.round((Long.parseLong(times.group(1)) * 60 + Double.parseDouble(times.group(2))
                        + Long.parseLong(times.group(3)) * 60 + Double.parseDouble(times.group(4))) * 1e6);
            }
        }
        return new Outcome(load, cpu);
    }
}
