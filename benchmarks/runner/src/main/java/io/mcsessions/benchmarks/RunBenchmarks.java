package io.mcsessions.benchmarks;

import io.mcsessions.testing.MemcachedCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs every benchmark and rewrites the report: {@code ./bench.sh} calls this.
 *
 * <p>Options: {@code --quick} (seconds instead of minutes: proves everything runs, figures mean nothing; the
 * report goes to {@code benchmarks/runner/target/} unless {@code --output} says otherwise), {@code --output=FILE},
 * {@code --skip-jmh}, {@code --only=setup1,setup2} (end-to-end setups to run; {@code paused} names the paused-node
 * run, {@code heap} the heap-per-session runs), {@code --generators=wrk,java}, {@code --mixes=writes,reads90},
 * {@code --passes=N} (fresh servers each pass), {@code --rounds=N} (measurements in a row on the same server),
 * {@code --warmup=SECONDS} and {@code --measured=SECONDS} (of each measured part), {@code --server-warmup=SECONDS}
 * (the most a new server is warmed up for; 0: not at all), {@code --heap=setup1,setup2} (the setups of the heap
 * run).
 */
public final class RunBenchmarks {

    /** System property with the repository's root folder (default: the working directory). */
    public static final String ROOT_PROPERTY = "mcsessions.benchmarks.root";

    static final int SESSIONS = 500;
    static final int CONNECTIONS = 32;
    static final String COOKIE = "JSESSIONID";
    static final String PAUSED = "paused";
    static final String HEAP = "heap";

    private RunBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Report report = run(options);
        System.out.println("Wrote " + report.markdown() + " and " + report.chart());
    }

    /**
     * Durations of one run.
     *
     * @param warmup         before each measured part, with the same generator and mix (JIT, connections)
     * @param measured       each measured part
     * @param pausedMeasured the paused-node run's measured part
     * @param heapLoad       how long the heap run creates sessions
     * @param serverWarmup   at most this long, a new server gets load until its CPU per request settles (see
     *                       {@link ServerWarmup}); zero skips it
     */
    record Timing(Duration warmup, Duration measured, Duration pausedMeasured, Duration heapLoad,
                  Duration serverWarmup) {
        static final Timing FULL = new Timing(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(10), Duration.ofSeconds(90));
        static final Timing QUICK = new Timing(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
                Duration.ofSeconds(2), Duration.ZERO);

        Timing(Duration warmup, Duration measured, Duration pausedMeasured, Duration heapLoad) {
            this(warmup, measured, pausedMeasured, heapLoad, Duration.ZERO);
        }
    }

    record Options(boolean quick, Timing timing, Path output, boolean skipJmh, List<String> only,
                   List<Generator> generators, List<Mix> mixes, int passes, int rounds, List<String> heapSetups,
                   Path root) {

        static final String USAGE = "options: --quick, --output=FILE, --skip-jmh, --only=setup1,setup2 (or 'paused', "
                + "'heap'), --generators=wrk,java, --mixes=writes,reads90, --passes=N, --rounds=N, --warmup=SECONDS, "
                + "--measured=SECONDS, --server-warmup=SECONDS, --heap=setup1,setup2";

        Options(boolean quick, Timing timing, Path output, boolean skipJmh, List<String> only,
                List<Generator> generators, List<Mix> mixes, int passes, List<String> heapSetups, Path root) {
            this(quick, timing, output, skipJmh, only, generators, mixes, passes, 1, heapSetups, root);
        }

        /** Reads the command line; long, as one flat branch per option is easier to follow than a table of them. */
        static Options parse(String[] args) {
            Path root = Path.of(System.getProperty(ROOT_PROPERTY, "")).toAbsolutePath().normalize();
            boolean quick = false;
            boolean skipJmh = false;
            Path output = null;
            List<String> only = List.of();
            List<Generator> generators = null;
            List<Mix> mixes = List.of(Mix.values());
            int passes = 1;
            int rounds = 1;
            Duration warmup = null;
            Duration measured = null;
            Duration serverWarmup = null;
            List<String> heap = Setup.HEAP_SETUPS;
            for (String arg : args) {
                if (arg.equals("--quick")) {
                    quick = true;
                } else if (arg.equals("--skip-jmh")) {
                    skipJmh = true;
                } else if (arg.startsWith("--output=")) {
                    output = Path.of(value(arg)).toAbsolutePath();
                } else if (arg.startsWith("--only=")) {
                    only = List.of(value(arg).split(","));
                    only.stream().filter(name -> !name.equals(PAUSED) && !name.equals(HEAP)).forEach(Setup::named);
                } else if (arg.startsWith("--generators=")) {
                    generators = Arrays.stream(value(arg).split(",")).map(Generator::named).distinct().toList();
                } else if (arg.startsWith("--mixes=")) {
                    mixes = Arrays.stream(value(arg).split(",")).map(Mix::named).distinct().toList();
                } else if (arg.startsWith("--passes=")) {
                    passes = count("--passes", value(arg));
                } else if (arg.startsWith("--rounds=")) {
                    rounds = count("--rounds", value(arg));
                } else if (arg.startsWith("--warmup=")) {
                    warmup = seconds("--warmup", value(arg), 0);
                } else if (arg.startsWith("--measured=")) {
                    measured = seconds("--measured", value(arg), 1);
                } else if (arg.startsWith("--server-warmup=")) {
                    serverWarmup = seconds("--server-warmup", value(arg), 0);
                } else if (arg.startsWith("--heap=")) {
                    heap = List.of(value(arg).split(","));
                    heap.forEach(Setup::named);
                } else {
                    throw new IllegalArgumentException("unknown option '" + arg + "'; " + USAGE);
                }
            }
            if (generators == null) {
                generators = WrkLoad.binary().isPresent() ? List.of(Generator.WRK, Generator.JAVA)
                        : List.of(Generator.JAVA);
            } else if (generators.contains(Generator.WRK) && WrkLoad.binary().isEmpty()) {
                throw new IllegalArgumentException("--generators names wrk, but no wrk is on the PATH; ./bench.sh "
                        + "installs it (Debian package wrk), or leave wrk out: --generators=java");
            }
            if (output == null) {
                output = quick ? root.resolve("benchmarks/runner/target/BENCHMARKS-quick.md")
                        : root.resolve("docs/BENCHMARKS.md");
            }
            Timing timing = quick ? Timing.QUICK : Timing.FULL;
            timing = new Timing(warmup != null ? warmup : timing.warmup(),
                    measured != null ? measured : timing.measured(), timing.pausedMeasured(), timing.heapLoad(),
                    serverWarmup != null ? serverWarmup : timing.serverWarmup());
            return new Options(quick, timing, output, skipJmh, only, generators, mixes, passes, rounds, heap, root);
        }

        private static String value(String arg) {
            return arg.substring(arg.indexOf('=') + 1);
        }

        private static int count(String option, String text) {
            if (text.matches("[1-9]")) {
                return Integer.parseInt(text);
            }
            throw new IllegalArgumentException(option + " must be a whole number from 1 to 9, but was '" + text + "'");
        }

        private static Duration seconds(String option, String text, int minimum) {
            if (text.matches("[0-9]{1,4}") && Integer.parseInt(text) >= minimum) {
                return Duration.ofSeconds(Integer.parseInt(text));
            }
            throw new IllegalArgumentException(option + " must be a whole number of seconds from " + minimum
                    + " to 9999, but was '" + text + "'");
        }

        boolean runs(String name) {
            return only.isEmpty() || only.contains(name);
        }

        /** The generator whose figures the goals and the chart use: wrk when it ran. */
        Generator primary() {
            return generators.get(0);
        }
    }

    static Report run(Options options) throws Exception {
        Timing timing = options.timing();
        Path work = options.root().resolve("benchmarks/runner/target/bench-work");
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
            WrkLoad wrk = options.generators().contains(Generator.WRK) ? WrkLoad.prepare(work) : null;
            Results results = new Results();
            for (int pass = 1; pass <= options.passes(); pass++) {
                for (Setup setup : Setup.ALL) {
                    if (options.runs(setup.name())) {
                        cluster.reset();
                        log("end to end: " + setup.name() + (options.passes() > 1 ? " (pass " + pass + ")" : ""));
                        measureSetup(options, setup, pass, cluster, wrk, work, logs, results);
                    }
                }
            }
            List<HeapRun> heap = new ArrayList<>();
            if (options.runs(HEAP)) {
                for (String name : options.heapSetups()) {
                    cluster.reset();
                    Setup setup = Setup.named(name);
                    log("heap per session: " + name);
                    try (ServerProcess server = start(options, setup, nodes, logs.resolve(HEAP))) {
                        HeapRun run = HeapRun.measure(setup, server, new Costs.Meter(server.pid(), server.port(),
                                cluster), timing.heapLoad());
                        log(String.format(Locale.ROOT, "  %,d sessions at %,.0f/s, heap %,d -> %,d -> %,d bytes: "
                                        + "%,.0f bytes per session, %,.0f in the second half", run.sessions(),
                                run.requestsPerSecond(), run.heapBefore(), run.heapMidway(), run.heapAfter(),
                                run.bytesPerSession(), run.secondHalfBytesPerSession()));
                        heap.add(run);
                    }
                }
            }
            PausedRun paused = options.runs(PAUSED) ? PausedRun.measure(options, cluster, work, logs) : null;
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            Report report = new Report(options, jmh, results, heap, paused, took);
            report.write();
            return report;
        }
    }

    private static void measureSetup(Options options, Setup setup, int pass, MemcachedCluster cluster, WrkLoad wrk,
                                     Path work, Path logs, Results results) throws Exception {
        try (ServerProcess server = start(options, setup, cluster.nodesString(), logs)) {
            Path sessionsFile = work.resolve("sessions-" + setup.name() + ".txt");
            List<String> ids = SessionIds.create(server.port(), SESSIONS, sessionsFile);
            Costs.Meter meter = new Costs.Meter(server.pid(), server.port(), cluster);
            ServerWarmup.run(options, server, ids, sessionsFile, meter, wrk);
            for (int round = 1; round <= options.rounds(); round++) {
                int run = (pass - 1) * options.rounds() + round;
                for (int m = 0; m < options.mixes().size(); m++) {
                    Mix mix = options.mixes().get(m);
                    // Which generator goes first alternates, so that neither always meets the colder JIT.
                    List<Generator> order = new ArrayList<>(options.generators());
                    if ((m + run) % 2 == 0) {
                        java.util.Collections.reverse(order);
                    }
                    for (Generator generator : order) {
                        Result result = measureOne(options, setup, generator, mix, run, server, ids, sessionsFile,
                                meter, wrk);
                        results.add(result);
                        log("  " + mix.key() + ", " + generator.key() + (options.rounds() > 1 ? " (round " + round
                                + ")" : "") + ": " + summary(result));
                    }
                }
            }
        }
    }

    /** One measured part: a warm-up, then the measured window, with one generator and one mix. */
    private static Result measureOne(Options options, Setup setup, Generator generator, Mix mix, int pass,
                                     ServerProcess server, List<String> ids, Path sessionsFile, Costs.Meter meter,
                                     WrkLoad wrk) throws Exception {
        Timing timing = options.timing();
        if (generator == Generator.JAVA) {
            LoadGenerator load = new LoadGenerator(new LoadGenerator.Settings("127.0.0.1", server.port(), COOKIE, ids,
                    mix, CONNECTIONS, timing.warmup(), timing.measured(), 0));
            Measurement measured = load.run(List.of(), meter);
            return new Result(setup, generator, mix, pass, measured, meter.last());
        }
        WrkLoad.Outcome outcome = wrk.run(new WrkLoad.Settings(server.port(), sessionsFile, mix, CONNECTIONS,
                timing.warmup(), timing.measured()), meter);
        return new Result(setup, generator, mix, pass, outcome.load(), meter.last().withClientCpu(outcome.cpuMicros()));
    }

    static ServerProcess start(Options options, Setup setup, String nodes, Path logs) throws Exception {
        return ServerProcess.start(options.root(), setup.module(), setup.mainClass(), setup.name(), nodes, logs);
    }

    static String summary(Measurement m) {
        return String.format(Locale.ROOT,
                "%,.0f requests/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d errors, %d lost sessions%s",
                m.requestsPerSecond(), m.p50Micros() / 1000.0, m.p99Micros() / 1000.0, m.maxMicros() / 1000.0,
                m.errors(), m.lostSessions(), m.firstError() == null ? "" : " (first error: " + m.firstError() + ")");
    }

    static String summary(Result r) {
        return String.format(Locale.ROOT, "%,.0f requests/s, p50 %.2f ms, p99 %.2f ms, server %.0f µs/request, "
                        + "client %.0f µs/request, memcached %.0f µs/request, %.2f memcached ops/request %s, "
                        + "machine %.2f cores busy, %d errors, %d lost sessions%s",
                r.requestsPerSecond(), r.load().p50Micros() / 1000.0, r.load().p99Micros() / 1000.0,
                r.serverCpuPerRequest(), r.clientCpuPerRequest(), r.memcachedCpuPerRequest(),
                r.operationsPerRequest(), operations(r), r.machineBusyCores(), r.load().errors(), r.lostSessions(),
                r.load().firstError() == null ? "" : " (first error: " + r.load().firstError() + ")");
    }

    /** The kinds of memcached operations per request that occurred, e.g. {@code (get 2.00, set 2.00)}. */
    static String operations(Result r) {
        StringBuilder text = new StringBuilder();
        for (String kind : r.costs().operations().keySet()) {
            double perRequest = r.operationsPerRequest(kind);
            if (perRequest >= 0.005) {
                text.append(text.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%s %.2f", kind,
                        perRequest));
            }
        }
        return text.isEmpty() ? "" : "(" + text + ")";
    }

    static void log(String line) {
        System.out.println("[bench] " + line);
        System.out.flush();
    }
}
