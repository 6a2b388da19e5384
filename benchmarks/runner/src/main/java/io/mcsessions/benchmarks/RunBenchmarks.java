package io.mcsessions.benchmarks;

import io.mcsessions.testing.MemcachedCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every benchmark and rewrites the report: {@code ./bench.sh} calls this.
 *
 * <p>Options: {@code --quick} (seconds instead of minutes: proves everything runs, figures mean nothing; the
 * report goes to {@code benchmarks/runner/target/} unless {@code --output} says otherwise), {@code --output=FILE},
 * {@code --skip-jmh}, {@code --only=setup1,setup2} (end-to-end setups to run; {@code paused} names the paused-node
 * run).
 */
public final class RunBenchmarks {

    /** System property with the repository's root folder (default: the working directory). */
    public static final String ROOT_PROPERTY = "mcsessions.benchmarks.root";

    static final int SESSIONS = 500;
    static final int CONNECTIONS = 32;
    static final String PAUSED = "paused";

    private RunBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Report report = run(options);
        System.out.println("Wrote " + report.markdown() + " and " + report.chart());
    }

    /** Durations of one run: the real ones, or a few seconds to prove that everything works. */
    record Timing(Duration warmup, Duration measured, int passes, Duration pausedMeasured) {
        /**
         * Two passes over every configuration, the better one reported: on a shared 2-core machine one pass of a
         * configuration now and then runs at half speed, which would skew its ratio to the ceiling either way.
         */
        static final Timing FULL = new Timing(Duration.ofSeconds(6), Duration.ofSeconds(10), 2,
                Duration.ofSeconds(30));
        static final Timing QUICK = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(2), 1,
                Duration.ofSeconds(3));
    }

    record Options(boolean quick, Path output, boolean skipJmh, List<String> only, Path root) {
        static Options parse(String[] args) {
            Path root = Path.of(System.getProperty(ROOT_PROPERTY, "")).toAbsolutePath().normalize();
            boolean quick = false;
            boolean skipJmh = false;
            Path output = null;
            List<String> only = List.of();
            for (String arg : args) {
                if (arg.equals("--quick")) {
                    quick = true;
                } else if (arg.equals("--skip-jmh")) {
                    skipJmh = true;
                } else if (arg.startsWith("--output=")) {
                    output = Path.of(arg.substring("--output=".length())).toAbsolutePath();
                } else if (arg.startsWith("--only=")) {
                    only = List.of(arg.substring("--only=".length()).split(","));
                    only.stream().filter(name -> !name.equals(PAUSED)).forEach(Setup::named);
                } else {
                    throw new IllegalArgumentException("unknown option '" + arg
                            + "'; options: --quick, --output=FILE, --skip-jmh, --only=setup1,setup2 (or 'paused')");
                }
            }
            if (output == null) {
                output = quick ? root.resolve("benchmarks/runner/target/BENCHMARKS-quick.md")
                        : root.resolve("docs/BENCHMARKS.md");
            }
            return new Options(quick, output, skipJmh, only, root);
        }

        boolean runs(String name) {
            return only.isEmpty() || only.contains(name);
        }
    }

    static Report run(Options options) throws Exception {
        Timing timing = options.quick() ? Timing.QUICK : Timing.FULL;
        Path logs = options.root().resolve("benchmarks/runner/target/bench-logs");
        long started = System.nanoTime();
        try (MemcachedCluster cluster = MemcachedCluster.withNodes(3)) {
            cluster.start();
            String nodes = cluster.nodesString();
            List<JmhRun.Row> jmh = List.of();
            if (!options.skipJmh()) {
                log("JMH: serialization, save+load with N=1..3, raw spymemcached set+get");
                jmh = JmhRun.run(nodes, options.quick());
            }
            Map<String, Measurement> results = new LinkedHashMap<>();
            for (int pass = 1; pass <= timing.passes(); pass++) {
                for (Setup setup : Setup.ALL) {
                    if (!options.runs(setup.name())) {
                        continue;
                    }
                    cluster.reset();
                    log("end to end: " + setup.name() + (timing.passes() > 1 ? " (pass " + pass + ")" : ""));
                    Measurement measured = measure(options, setup, nodes, logs, timing.warmup(), timing.measured(),
                            List.of());
                    log("  " + summary(measured));
                    results.merge(setup.name(), measured, Measurement::better);
                }
            }
            Measurement paused = null;
            List<String> pausedLog = List.of();
            if (options.runs(PAUSED)) {
                cluster.reset();
                Duration third = timing.pausedMeasured().dividedBy(3);
                String victim = cluster.node(0).id();
                List<LoadGenerator.TimedAction> actions = new ArrayList<>();
                actions.add(new LoadGenerator.TimedAction(third, "SIGSTOP " + victim, () -> cluster.node(0).pause()));
                actions.add(new LoadGenerator.TimedAction(third.multipliedBy(2), "SIGCONT " + victim,
                        () -> cluster.node(0).resume()));
                log("end to end: " + Setup.PAUSED_BASE + " with " + victim + " paused for a third of the run");
                Setup base = Setup.named(Setup.PAUSED_BASE);
                Setup pausedSetup = new Setup(Setup.PAUSED_BASE, base.label() + ", one node paused", base.module(),
                        base.mainClass(), base.family(), base.ceiling());
                paused = measure(options, pausedSetup, nodes, logs.resolve(PAUSED), timing.warmup(),
                        timing.pausedMeasured(), actions);
                pausedLog = Files.readAllLines(logs.resolve(PAUSED).resolve(Setup.PAUSED_BASE + ".log")).stream()
                        .filter(line -> line.startsWith("WARNING:") || line.startsWith("INFO:")
                                || line.startsWith("SEVERE:"))
                        .filter(line -> line.contains("memcached node"))
                        .toList();
                log("  " + summary(paused));
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            Report report = new Report(options, timing, jmh, results, paused, pausedLog, took);
            report.write();
            return report;
        }
    }

    private static Measurement measure(Options options, Setup setup, String nodes, Path logs, Duration warmup,
                                       Duration measured, List<LoadGenerator.TimedAction> actions) throws Exception {
        try (ServerProcess server = ServerProcess.start(options.root(), setup.module(), setup.mainClass(),
                setup.name(), nodes, logs)) {
            LoadGenerator load = new LoadGenerator(new LoadGenerator.Settings("127.0.0.1", server.port(),
                    "/bench/hit", "JSESSIONID", SESSIONS, CONNECTIONS, warmup, measured));
            return load.run(actions);
        }
    }

    static String summary(Measurement m) {
        return String.format(java.util.Locale.ROOT,
                "%,.0f requests/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d errors, %d lost sessions%s",
                m.requestsPerSecond(), m.p50Micros() / 1000.0, m.p99Micros() / 1000.0, m.maxMicros() / 1000.0,
                m.errors(), m.lostSessions(), m.firstError() == null ? "" : " (first error: " + m.firstError() + ")");
    }

    private static void log(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }
}
