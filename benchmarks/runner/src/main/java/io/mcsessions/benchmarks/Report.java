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
import java.util.Optional;
import java.util.function.DoublePredicate;

/** Writes docs/BENCHMARKS.md and its chart from one run's figures. */
final class Report {

    private static final String CHART_NAME = "benchmarks.svg";

    private final RunBenchmarks.Options options;
    private final List<JmhRun.Row> jmh;
    private final Results results;
    private final List<HeapRun> heap;
    private final PausedRun paused;
    private final Duration took;

    Report(RunBenchmarks.Options options, List<JmhRun.Row> jmh, Results results, List<HeapRun> heap,
           PausedRun paused, Duration took) {
        this.options = options;
        this.jmh = jmh;
        this.results = results;
        this.heap = heap;
        this.paused = paused;
        this.took = took;
    }

    Results results() {
        return results;
    }

    List<HeapRun> heap() {
        return heap;
    }

    PausedRun paused() {
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
        Files.writeString(chart(), Chart.svg(results, options.primary(), options.mixes()));
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
                        + "refresh this page. What the figures mean, why the two load generators once disagreed, "
                        + "and what stands in the way where a goal is not met, is in "
                        + "[performance.md](performance.md).\n\n");
        if (options.quick()) {
            md.append("**Quick run: a few seconds per configuration, to prove that everything runs. The figures "
                    + "mean nothing.**\n\n");
        }
        md.append("## Machine\n\n");
        for (String line : Machine.describe(options.root())) {
            md.append("- ").append(line).append('\n');
        }
        method(md);
        goals(md);
        for (Mix mix : options.mixes()) {
            endToEnd(md, mix);
        }
        costs(md);
        if (!results.all().isEmpty()) {
            md.append("\n![requests/s per configuration, ").append(options.primary().label()).append("](")
                    .append(CHART_NAME).append(")\n");
        }
        heap(md);
        pausedNode(md);
        jmh(md);
        return md.toString();
    }

    private void method(StringBuilder md) {
        RunBenchmarks.Timing t = options.timing();
        md.append("\n## Method\n\n");
        md.append(String.format(Locale.ROOT, """
                - End to end: one server JVM per configuration (%s), serving one servlet whose session holds a \
                counter and a 1 KB attribute. %d sessions are created first (one request each); both load \
                generators then send, on %d keep-alive connections, one request after the other (closed loop, no \
                think time), each for one of those sessions picked at random, with the same headers (`Host`, \
                `Cookie`). Mixes: **every request writes** (`/bench/hit`: the counter goes up) and **90%% of \
                requests only read** (`/bench/read`: the counter and the 1 KB attribute are read; the other 10%% \
                write). Each measured part is %d s, after %d s of warm-up with the same generator and mix; the \
                two generators run back to back on the same server and sessions, and which goes first alternates.%s
                - Generators: **wrk** (%s; %d threads, a Lua script picks the session and the path) and the **Java \
                generator** (one thread per connection in the runner's JVM, on the same 2 cores as the server). \
                The goals are read off %s.
                - Costs, over each measured part: **server CPU µs/request** is the server JVM's user + system time \
                (`/proc/<pid>/stat`) divided by the requests; **memcached ops/request** is the sum over the three \
                nodes of memcached's `stats` counters (`cmd_get`, `cmd_set` (also add and cas), `cmd_touch`, \
                deletes, incr/decr) before and after, divided by the requests. "lost" counts requests that named a \
                session and found it gone (the servlet's own count, so wrk's runs are checked too; wrk cannot take \
                the new cookie, so under wrk every later request for a lost session counts again).
                - Three memcached nodes on 127.0.0.1 (one thread each, flushed between configurations). \
                mcsessions and msm use their defaults apart from the settings each row names. "× ceiling" divides \
                a row's requests/s by the in-memory ceiling of the same generator and mix: Tomcat 11's \
                StandardManager for the Tomcat rows (msm too, as its goals are stated), Jetty's in-memory \
                sessions for the Jetty rows.
                - JMH: %s.
                """, String.join(" ", ServerProcess.JVM_OPTIONS), RunBenchmarks.SESSIONS, RunBenchmarks.CONNECTIONS,
                t.measured().toSeconds(), t.warmup().toSeconds(),
                options.passes() == 1 ? "" : " Every configuration ran " + options.passes() + " times (one pass "
                        + "over all, then the next); each cell shows the median pass by requests/s, errors and "
                        + "lost sessions count every pass.",
                WrkLoad.binary().isPresent() ? "Debian's package" : "not installed on this machine",
                WrkLoad.THREADS,
                options.primary() == Generator.WRK ? "wrk's columns" : "the Java generator's columns (wrk did not run)",
                options.quick() ? "one 200 ms iteration in the runner's JVM" : "one fork, 3 x 1 s warm-up, "
                        + JmhRun.MEASURED_ITERATIONS + " x 1 s measured, average time per operation; store "
                        + "benchmarks on the same three nodes"));
    }

    private void goals(StringBuilder md) {
        Generator g = options.primary();
        md.append("\n## Goals\n\nMeasured with ").append(g.label()).append(". A goal on requests/s is met or not on "
                + "requests/s, as it is stated; \"by CPU per request\" gives the same ratio from the CPU time a request "
                + "cost the server, the load generator and memcached together, which does not depend on the share of "
                + "the two cores each row got while other work ran on the machine.\n\n"
                + "| goal | target | measured | met |\n|---|---|---|---|\n");
        throughputGoal(md, "Every request writes: ours sticky async N=2 vs msm sticky async", 1.0,
                Setup.OURS_STICKY_ASYNC, Setup.MSM_STICKY_ASYNC, Mix.WRITES, "");
        throughputGoal(md, "Every request writes: ours non-sticky N=2 vs msm non-sticky", 2.0, Setup.PAUSED_BASE,
                Setup.MSM_NONSTICKY, Mix.WRITES, "");
        throughputGoal(md, "90% read: ours sticky async N=2 vs in-memory", 0.8, Setup.OURS_STICKY_ASYNC,
                Setup.TOMCAT11_CEILING, Mix.READS_90, "; msm sticky async: " + fmtRatio(results.ratio(
                        Setup.MSM_STICKY_ASYNC, Setup.TOMCAT11_CEILING, g, Mix.READS_90)));
        throughputGoal(md, "90% read: ours non-sticky N=2 vs in-memory", 0.3, Setup.PAUSED_BASE,
                Setup.TOMCAT11_CEILING, Mix.READS_90, "; msm non-sticky: " + fmtRatio(results.ratio(
                        Setup.MSM_NONSTICKY, Setup.TOMCAT11_CEILING, g, Mix.READS_90)));
        for (Mix mix : options.mixes()) {
            Optional<Result> ours = results.reported(Setup.OURS_STICKY_ASYNC_N1, g, mix);
            Optional<Result> msm = results.reported(Setup.MSM_STICKY_ASYNC, g, mix);
            goal(md, "Server CPU per request, " + mix.label() + ": ours sticky async N=1 vs msm sticky async",
                    "≤ 1.00x", ours.flatMap(o -> msm.map(m -> o.serverCpuPerRequest() / m.serverCpuPerRequest())),
                    v -> v <= 1.0, ours.flatMap(o -> msm.map(m -> String.format(Locale.ROOT, "x (%.0f µs vs %.0f µs)",
                            o.serverCpuPerRequest(), m.serverCpuPerRequest()))).orElse("x"));
        }
        Optional<HeapRun> oursHeap = heapRun(Setup.PAUSED_BASE);
        Optional<HeapRun> standardHeap = heapRun(Setup.TOMCAT11_CEILING);
        goal(md, "Heap per session created: ours non-sticky N=2 vs StandardManager", "≤ 0.10x",
                oursHeap.flatMap(o -> standardHeap.map(s -> o.bytesPerSession() / s.bytesPerSession())),
                v -> v <= 0.1, oursHeap.flatMap(o -> standardHeap.map(s -> String.format(Locale.ROOT,
                        "x (%,.0f vs %,.0f bytes; second half of the load: %,.0f vs %,.0f bytes per session)",
                        o.bytesPerSession(), s.bytesPerSession(), o.secondHalfBytesPerSession(),
                        s.secondHalfBytesPerSession()))).orElse("x"));
        throughputGoal(md, "Jetty, every request writes: ours vs jetty-memcached-sessions (NullSessionCache)", 1.5,
                "jetty-mcsessions-null", "jetty-memcached-null", Mix.WRITES, "");
        throughputGoal(md, "Jetty, every request writes: ours vs jetty-memcached-sessions (DefaultSessionCache)", 1.5,
                "jetty-mcsessions-default", "jetty-memcached-default", Mix.WRITES, "");
        throughputGoal(md, "Jetty, 90% read: ours (DefaultSessionCache) vs Jetty in memory", 0.5,
                "jetty-mcsessions-default", Setup.JETTY_CEILING, Mix.READS_90, "");
        pausedGoals(md);
        jmhGoal(md);
    }

    /**
     * A goal on requests/s, met or not on them as the goal is stated, with the ratio by CPU per request beside it:
     * on a shared machine the two rows may have had different shares of the cores.
     */
    private void throughputGoal(StringBuilder md, String goal, double target, String setup, String other, Mix mix,
                                String more) {
        Generator g = options.primary();
        Optional<Double> byCpu = results.cpuRatio(setup, other, g, mix);
        goal(md, goal, String.format(Locale.ROOT, "≥ %.2fx", target), results.ratio(setup, other, g, mix),
                v -> v >= target, "x (by CPU per request: " + fmtRatio(byCpu) + more + ")");
    }

    private void pausedGoals(StringBuilder md) {
        if (paused == null || paused.load().events().isEmpty()) {
            return;
        }
        Measurement load = paused.load();
        long pauseAt = load.events().get(0).atMicros();
        long resumeAt = load.events().size() > 1 ? load.events().get(1).atMicros() : Long.MAX_VALUE;
        long firstSecond = load.slow().stream().filter(r -> r.startMicros() + r.latencyMicros() >= pauseAt
                && r.startMicros() < pauseAt + 1_000_000 && r.latencyMicros() >= 500_000).count();
        long later = load.slow().stream().filter(r -> r.startMicros() >= pauseAt + 1_000_000
                && r.startMicros() < resumeAt && r.latencyMicros() >= 500_000).count();
        md.append("| One node paused: requests that waited ≥ 500 ms for it, started > 1 s after the pause | 0 | ")
                .append(later).append(" (in the first second: ").append(firstSecond).append(") | ")
                .append(later == 0 ? "yes" : "**no**").append(" |\n");
        results.reported(Setup.PAUSED_BASE, Generator.JAVA, Mix.WRITES).ifPresent(healthy -> {
            double factor = (double) load.p99Micros() / Math.max(1, healthy.load().p99Micros());
            md.append(String.format(Locale.ROOT, "| One node paused: p99 vs the healthy run (Java generator) | "
                            + "≤ 2.0x | %.2fx (%.2f ms vs %.2f ms) | %s |\n", factor, load.p99Micros() / 1000.0,
                    healthy.load().p99Micros() / 1000.0, factor <= 2.0 ? "yes" : "**no**"));
        });
    }

    private void jmhGoal(StringBuilder md) {
        Optional<JmhRun.Row> saveLoad = jmhRow("StoreBenchmark.saveAndLoad", "redundancy=2");
        Optional<JmhRun.Row> raw = jmhRow("RawSpymemcachedBenchmark.setAndGet", "");
        if (saveLoad.isEmpty() || raw.isEmpty()) {
            return;
        }
        goal(md, "JMH save+load N=2 vs one raw set+get", "≤ 1.50x",
                Optional.of(saveLoad.get().score() / raw.get().score()), v -> v <= 1.5,
                String.format(Locale.ROOT, "x (%.1f µs vs %.1f µs)", saveLoad.get().score(), raw.get().score()));
    }

    private static void goal(StringBuilder md, String goal, String target, Optional<Double> value, DoublePredicate met,
                             String suffix) {
        md.append("| ").append(goal).append(" | ").append(target).append(" | ");
        if (value.isEmpty()) {
            md.append("not run | – |\n");
            return;
        }
        md.append(String.format(Locale.ROOT, "%.2f", value.get())).append(suffix).append(" | ")
                .append(met.test(value.get()) ? "yes" : "**no**").append(" |\n");
    }

    private static String fmtRatio(Optional<Double> ratio) {
        return ratio.map(r -> String.format(Locale.ROOT, "%.2fx", r)).orElse("not run");
    }

    private Optional<JmhRun.Row> jmhRow(String benchmark, String parameter) {
        return jmh.stream().filter(r -> r.benchmark().equals(benchmark) && r.parameter().equals(parameter))
                .findFirst();
    }

    private Optional<HeapRun> heapRun(String setup) {
        return heap.stream().filter(h -> h.setup().name().equals(setup)).findFirst();
    }

    private void endToEnd(StringBuilder md, Mix mix) {
        md.append("\n## End to end: ").append(mix.label()).append("\n\n| container | configuration |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (Generator g : options.generators()) {
            String n = g == Generator.WRK ? "wrk" : "Java";
            md.append(" ").append(n).append(" requests/s | × ceiling | p50 ms | p99 ms | server µs/request | "
                    + "memcached ops/request |");
            rule.append("---:|---:|---:|---:|---:|---:|");
        }
        md.append(" errors | lost |\n").append(rule).append("---:|---:|\n");
        for (Setup setup : Setup.ALL) {
            if (options.generators().stream().allMatch(g -> results.reported(setup.name(), g, mix).isEmpty())) {
                continue;
            }
            md.append("| ").append(setup.family()).append(" | ").append(setup.label()).append(" |");
            long errors = 0;
            long lost = 0;
            for (Generator g : options.generators()) {
                Optional<Result> r = results.reported(setup.name(), g, mix);
                if (r.isEmpty()) {
                    md.append(" – | – | – | – | – | – |");
                    continue;
                }
                Result x = r.get();
                md.append(String.format(Locale.ROOT, " %s | %s | %.2f | %.2f | %.0f | %.2f |", rate(setup, g, mix),
                        fmtRatio(results.ratio(setup.name(), setup.ceiling(), g, mix)), x.load().p50Micros() / 1000.0,
                        x.load().p99Micros() / 1000.0, x.serverCpuPerRequest(), x.operationsPerRequest()));
                errors += results.errors(setup.name(), g, mix);
                lost += results.lostSessions(setup.name(), g, mix);
            }
            md.append(' ').append(errors).append(" | ").append(lost).append(" |\n");
        }
    }

    /** requests/s of the reported pass, with the range over the passes when there were several. */
    private String rate(Setup setup, Generator g, Mix mix) {
        List<Result> passes = results.passes(setup.name(), g, mix);
        String reported = String.format(Locale.ROOT, "%,.0f",
                results.reported(setup.name(), g, mix).orElseThrow().requestsPerSecond());
        if (passes.size() < 2) {
            return reported;
        }
        return reported + String.format(Locale.ROOT, " (%,.0f-%,.0f)", passes.get(0).requestsPerSecond(),
                passes.get(passes.size() - 1).requestsPerSecond());
    }

    private void costs(StringBuilder md) {
        if (results.all().isEmpty()) {
            return;
        }
        md.append("\n## What a request costs\n\nCPU time per request over the measured part (µs): the server "
                + "JVM's, the load generator's, the three memcached processes' and their total, which does not depend "
                + "on the share of the cores the run got on a shared machine (requests/s does); memcached operations "
                + "per request by kind, per generator. \"busy\" is how many of the 2 cores were busy on average "
                + "(everyone's processes, other users' included).\n\n"
                + "| configuration | mix | generator | requests/s | server µs | generator µs | memcached µs | total µs "
                + "| busy | get | set | touch | delete |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Setup setup : Setup.ALL) {
            for (Mix mix : options.mixes()) {
                for (Generator g : options.generators()) {
                    results.reported(setup.name(), g, mix).ifPresent(r -> md.append(String.format(Locale.ROOT,
                            "| %s | %s | %s | %,.0f | %.0f | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f |\n",
                            setup.name(), mix.key(), g.key(), r.requestsPerSecond(), r.serverCpuPerRequest(),
                            r.clientCpuPerRequest(), r.memcachedCpuPerRequest(), r.totalCpuPerRequest(),
                            r.machineBusyCores(),
                            r.operationsPerRequest("get"), r.operationsPerRequest("set"),
                            r.operationsPerRequest("touch"), r.operationsPerRequest("delete"))));
                }
            }
        }
    }

    private void heap(StringBuilder md) {
        if (heap.isEmpty()) {
            return;
        }
        md.append(String.format(Locale.ROOT, "\n## Heap per session created\n\nFor %d s every request creates a "
                        + "session (no cookie; counter + 1 KB attribute; Java generator, %d connections, at most "
                        + "%,d sessions), then `jcmd GC.run` forces a full GC and `GC.heap_info` gives the heap "
                        + "used; the heap after a full GC before the load is subtracted, and the rest divided by "
                        + "the sessions the servlet created. It is what each instance keeps per session it served "
                        + "until the session times out (30 min here). The load runs in two halves with a full GC "
                        + "between them; the last column is the second half's growth per session created in it: "
                        + "what each further session costs once a bounded cache (non-sticky `maxLocalCopies`) is "
                        + "full.\n\n| configuration | sessions created | created/s | heap before | heap after | "
                        + "bytes per session | second half: bytes per session |\n"
                        + "|---|---:|---:|---:|---:|---:|---:|\n", options.timing().heapLoad().toSeconds(),
                RunBenchmarks.CONNECTIONS, HeapRun.MAX_SESSIONS));
        for (HeapRun run : heap) {
            md.append(String.format(Locale.ROOT, "| %s: %s | %,d | %,.0f | %,.1f MB | %,.1f MB | %,.0f | %,.0f |\n",
                    run.setup().family(), run.setup().label(), run.sessions(), run.requestsPerSecond(),
                    run.heapBefore() / 1e6, run.heapAfter() / 1e6, run.bytesPerSession(),
                    run.secondHalfBytesPerSession()));
        }
    }

    private void pausedNode(StringBuilder md) {
        if (paused == null) {
            return;
        }
        Measurement load = paused.load();
        md.append("\n## One node of three paused (mcsessions non-sticky, N=2, Tomcat 11)\n\n");
        md.append("Every request writes; Java generator (it records every request). Measured for ")
                .append((long) load.seconds())
                .append(" s; one memcached node is stopped with SIGSTOP (a hung node: its connections stay open) "
                        + "and resumed with SIGCONT (with its old data) later. ")
                .append(RunBenchmarks.summary(load)).append(".\n\n");
        md.append("| second | requests | p99 ms | max ms | event |\n|---:|---:|---:|---:|---|\n");
        for (Measurement.Second second : load.perSecond()) {
            StringBuilder events = new StringBuilder();
            for (Measurement.Event event : load.events()) {
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
        for (Measurement.Request request : load.slowest()) {
            md.append(String.format(Locale.ROOT, "| %.3f | %.1f |\n", request.startMicros() / 1e6,
                    request.latencyMicros() / 1000.0));
        }
        if (!paused.log().isEmpty()) {
            md.append("\nWhat the server logged about the nodes:\n\n```\n");
            paused.log().stream().limit(20).forEach(line -> md.append(line).append('\n'));
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
                + "use. `ChangeDetectionBenchmark`: telling a changed session of that size from an unchanged one: the "
                + "SHA-256 digest the Tomcat adapter takes, against comparing with a kept copy (`arraysEquals`) and "
                + "two 32-bit checks that are not candidates (`arraysHashCode`, msm's; `crc32c`), see "
                + "performance.md. `StoreBenchmark.saveAndLoad`: one `save` (returns when both replicas answered) and one "
                + "`load` (reads every replica) of a 1 KB session. `RawSpymemcachedBenchmark.setAndGet`: the floor, "
                + "one plain spymemcached set and get of the same 1 KB on one node.\n");
    }
}
