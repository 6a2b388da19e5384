package io.mcsessions.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Writes docs/BENCHMARKS.md and its chart from one run's figures. */
final class Report {

    private static final String CHART_NAME = "benchmarks.svg";

    private final RunBenchmarks.Options options;
    private final RunBenchmarks.Timing timing;
    private final List<JmhRun.Row> jmh;
    private final Map<String, Measurement> results;
    private final Measurement paused;
    private final List<String> pausedLog;
    private final Duration took;

    Report(RunBenchmarks.Options options, RunBenchmarks.Timing timing, List<JmhRun.Row> jmh,
           Map<String, Measurement> results, Measurement paused, List<String> pausedLog, Duration took) {
        this.options = options;
        this.timing = timing;
        this.jmh = jmh;
        this.results = results;
        this.paused = paused;
        this.pausedLog = pausedLog;
        this.took = took;
    }

    Map<String, Measurement> results() {
        return results;
    }

    Measurement paused() {
        return paused;
    }

    Path markdown() {
        return options.output();
    }

    Path chart() {
        return options.output().resolveSibling(CHART_NAME);
    }

    void write() throws IOException {
        Files.createDirectories(options.output().getParent());
        Files.writeString(chart(), Chart.svg(results));
        Files.writeString(options.output(), markdownText());
    }

    private String markdownText() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by `./bench.sh")
                .append(options.quick() ? " --quick" : "").append("` (the `benchmarks` module) on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append("; the whole run took ").append(took.toMinutes()).append(" min ")
                .append(took.toSecondsPart()).append(" s. Every figure below comes from that one run: rerun it to "
                        + "refresh this page. What the figures mean, and what stands in the way where a goal is not "
                        + "met, is in [performance.md](performance.md).\n\n");
        if (options.quick()) {
            md.append("**Quick run: a few seconds per configuration, to prove that everything runs. The figures "
                    + "mean nothing.**\n\n");
        }
        md.append("## Machine\n\n");
        for (String line : Machine.describe(options.root())) {
            md.append("- ").append(line).append('\n');
        }
        md.append("\n## Method\n\n");
        md.append(String.format(Locale.ROOT, """
                - End to end: one server JVM per configuration (%s), serving one servlet whose session holds a \
                counter and a 1 KB attribute; every request increments the counter, so every request writes the \
                session. %d sessions are created first; then %d keep-alive connections (a Java load generator in \
                the runner's JVM, on the same machine) each send one request after the other for a random \
                session: %d s of warm-up, then %d s measured. %s Three memcached nodes on 127.0.0.1 (one thread each, \
                flushed between configurations). mcsessions and msm use their defaults apart from the settings \
                each row names.
                - "× ceiling" divides a row's requests/s by the in-memory ceiling of the same run: Tomcat 11's \
                StandardManager for the Tomcat rows (msm too, as its goals are stated), Jetty's in-memory \
                sessions for the Jetty rows.
                - "lost" counts requests for a session that came back new (counter at 1): a session the store \
                dropped.
                - JMH: %s.
                """, String.join(" ", ServerProcess.JVM_OPTIONS), RunBenchmarks.SESSIONS, RunBenchmarks.CONNECTIONS,
                timing.warmup().toSeconds(), timing.measured().toSeconds(),
                timing.passes() == 1 ? "" : "Every configuration runs " + timing.passes() + " times (one pass over "
                        + "all, then the next) and the faster pass is shown: a shared 2-core machine now and then "
                        + "runs one pass at half speed. Errors and lost sessions count every pass.",
                options.quick() ? "one 200 ms iteration in the runner's JVM" : "one fork, 3 x 1 s warm-up, "
                        + JmhRun.MEASURED_ITERATIONS + " x 1 s measured, average time per operation; store "
                        + "benchmarks on the same three nodes"));
        goals(md);
        endToEnd(md);
        pausedNode(md);
        jmh(md);
        return md.toString();
    }

    private Optional<Double> ratio(String name) {
        Measurement row = results.get(name);
        Setup setup = Setup.named(name);
        Measurement ceiling = results.get(setup.ceiling());
        if (row == null || ceiling == null || ceiling.requests() == 0) {
            return Optional.empty();
        }
        return Optional.of(row.requestsPerSecond() / ceiling.requestsPerSecond());
    }

    private Optional<Double> between(String name, String other) {
        Measurement a = results.get(name);
        Measurement b = results.get(other);
        if (a == null || b == null || b.requests() == 0) {
            return Optional.empty();
        }
        return Optional.of(a.requestsPerSecond() / b.requestsPerSecond());
    }

    private void goals(StringBuilder md) {
        md.append("\n## Goals\n\n| goal | target | measured | met |\n|---|---|---|---|\n");
        goal(md, "Tomcat non-sticky N=2 vs in-memory", "≥ 0.50x", ratio(Setup.PAUSED_BASE), v -> v >= 0.5,
                "x (msm non-sticky: " + fmtRatio(ratio("msm-nonsticky")) + ")");
        goal(md, "Tomcat sticky N=2, async writes vs in-memory", "≥ 0.80x",
                ratio("tomcat11-mcsessions-sticky-n2-async"), v -> v >= 0.8,
                "x (msm sticky async: " + fmtRatio(ratio("msm-sticky-async")) + ")");
        goal(md, "Jetty, ours vs jetty-memcached-sessions (DefaultSessionCache)", "≥ 1.50x",
                between("jetty-mcsessions-default", "jetty-memcached-default"), v -> v >= 1.5, "x");
        goal(md, "Jetty, ours vs jetty-memcached-sessions (NullSessionCache)", "≥ 1.50x",
                between("jetty-mcsessions-null", "jetty-memcached-null"), v -> v >= 1.5, "x");
        Measurement healthy = results.get(Setup.PAUSED_BASE);
        if (paused != null && !paused.events().isEmpty()) {
            long pauseAt = paused.events().get(0).atMicros();
            long resumeAt = paused.events().size() > 1 ? paused.events().get(1).atMicros() : Long.MAX_VALUE;
            long firstSecond = paused.slow().stream().filter(r -> r.startMicros() + r.latencyMicros() >= pauseAt
                    && r.startMicros() < pauseAt + 1_000_000 && r.latencyMicros() >= 500_000).count();
            long later = paused.slow().stream().filter(r -> r.startMicros() >= pauseAt + 1_000_000
                    && r.startMicros() < resumeAt && r.latencyMicros() >= 500_000).count();
            md.append("| One node paused: requests that waited ≥ 500 ms for it, started > 1 s after the pause | 0 | ")
                    .append(later).append(" (in the first second: ").append(firstSecond).append(") | ")
                    .append(later == 0 ? "yes" : "**no**").append(" |\n");
            if (healthy != null) {
                double factor = (double) paused.p99Micros() / Math.max(1, healthy.p99Micros());
                md.append(String.format(Locale.ROOT, "| One node paused: p99 vs the healthy run | ≤ 2.0x | %.2fx "
                                + "(%.2f ms vs %.2f ms) | %s |\n", factor, paused.p99Micros() / 1000.0,
                        healthy.p99Micros() / 1000.0, factor <= 2.0 ? "yes" : "**no**"));
            }
        }
        Optional<JmhRun.Row> saveLoad = jmhRow("StoreBenchmark.saveAndLoad", "redundancy=2");
        Optional<JmhRun.Row> raw = jmhRow("RawSpymemcachedBenchmark.setAndGet", "");
        goal(md, "JMH save+load N=2 vs one raw set+get", "≤ 1.50x",
                saveLoad.flatMap(s -> raw.map(r -> s.score() / r.score())), v -> v <= 1.5,
                saveLoad.flatMap(s -> raw.map(r -> String.format(Locale.ROOT, "x (%.1f µs vs %.1f µs)", s.score(),
                        r.score()))).orElse("x"));
    }

    private interface Check {
        boolean met(double value);
    }

    private static void goal(StringBuilder md, String goal, String target, Optional<Double> value, Check check,
                             String suffix) {
        md.append("| ").append(goal).append(" | ").append(target).append(" | ");
        if (value.isEmpty()) {
            md.append("not run | – |\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "%.2f", value.get())).append(suffix).append(" | ")
                .append(check.met(value.get()) ? "yes" : "**no**").append(" |\n");
    }

    private static String fmtRatio(Optional<Double> ratio) {
        return ratio.map(r -> String.format(Locale.ROOT, "%.2fx", r)).orElse("not run");
    }

    private Optional<JmhRun.Row> jmhRow(String benchmark, String parameter) {
        return jmh.stream().filter(r -> r.benchmark().equals(benchmark) && r.parameter().equals(parameter))
                .findFirst();
    }

    private void endToEnd(StringBuilder md) {
        md.append("\n## End to end\n\n");
        md.append("| container | configuration | requests/s | × ceiling | p50 ms | p99 ms | p99.9 ms | max ms "
                + "| errors | lost |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Setup setup : Setup.ALL) {
            Measurement m = results.get(setup.name());
            if (m == null) {
                continue;
            }
            md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %s | %.2f | %.2f | %.2f | %.1f | %d | %d |\n",
                    setup.family(), setup.label(), m.requestsPerSecond(), fmtRatio(ratio(setup.name())),
                    m.p50Micros() / 1000.0, m.p99Micros() / 1000.0, m.p999Micros() / 1000.0, m.maxMicros() / 1000.0,
                    m.errors(), m.lostSessions()));
        }
        Optional<Double> msmOwn = between("msm-nonsticky", "tomcat9-standard");
        Optional<Double> msmStickyOwn = between("msm-sticky-async", "tomcat9-standard");
        if (msmOwn.isPresent() && msmStickyOwn.isPresent()) {
            md.append(String.format(Locale.ROOT, "\nAgainst Tomcat 9's own in-memory ceiling, msm non-sticky "
                    + "reaches %.2fx and msm sticky async %.2fx.\n", msmOwn.get(), msmStickyOwn.get()));
        }
        md.append("\n![requests/s and p99 latency per configuration](").append(CHART_NAME).append(")\n");
    }

    private void pausedNode(StringBuilder md) {
        if (paused == null) {
            return;
        }
        md.append("\n## One node of three paused (mcsessions non-sticky, N=2, Tomcat 11)\n\n");
        md.append("The same load as the N=2 row above, measured for ").append((long) paused.seconds())
                .append(" s; one memcached node is stopped with SIGSTOP (a hung node: its connections stay open) "
                        + "and resumed with SIGCONT (with its old data) later. ")
                .append(RunBenchmarks.summary(paused)).append(".\n\n");
        md.append("| second | requests | p99 ms | max ms | event |\n|---:|---:|---:|---:|---|\n");
        for (Measurement.Second second : paused.perSecond()) {
            StringBuilder events = new StringBuilder();
            for (Measurement.Event event : paused.events()) {
                if (event.atMicros() / 1_000_000 == second.second()) {
                    events.append(String.format(Locale.ROOT, "%s at %.2f s ", event.label(),
                            event.atMicros() / 1e6));
                }
            }
            md.append(String.format(Locale.ROOT, "| %d | %,d | %.2f | %.1f | %s |\n", second.second(),
                    second.requests(), second.p99Micros() / 1000.0, second.maxMicros() / 1000.0,
                    events.toString().trim()));
        }
        md.append("\nThe slowest requests (start from the beginning of the measured part):\n\n"
                + "| start s | took ms |\n|---:|---:|\n");
        for (Measurement.Request request : paused.slowest()) {
            md.append(String.format(Locale.ROOT, "| %.3f | %.1f |\n", request.startMicros() / 1e6,
                    request.latencyMicros() / 1000.0));
        }
        if (!pausedLog.isEmpty()) {
            md.append("\nWhat the server logged about the nodes:\n\n```\n");
            pausedLog.stream().limit(20).forEach(line -> md.append(line).append('\n'));
            md.append("```\n");
        }
    }

    private void jmh(StringBuilder md) {
        if (jmh.isEmpty()) {
            return;
        }
        md.append("\n## JMH (core)\n\n| benchmark | parameter | score | ± error (99.9%) | unit |\n"
                + "|---|---|---:|---:|---|\n");
        for (JmhRun.Row row : jmh) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %s |\n", row.benchmark(),
                    row.parameter().isEmpty() ? "–" : row.parameter(), row.score(),
                    Double.isNaN(row.error()) ? "–" : String.format(Locale.ROOT, "%.2f", row.error()), row.unit()));
        }
        md.append("\n`SerializationBenchmark`: Java serialization of a shop-like session (a counter, a user name, "
                + "cart lines of about 100 bytes) of about 1, 10 and 100 KB, through the serializer both adapters "
                + "use. `StoreBenchmark.saveAndLoad`: one `save` (returns at the first acknowledgement) and one "
                + "`load` (reads every replica) of a 1 KB session. `RawSpymemcachedBenchmark.setAndGet`: the floor, "
                + "one plain spymemcached set and get of the same 1 KB on one node.\n");
    }
}
