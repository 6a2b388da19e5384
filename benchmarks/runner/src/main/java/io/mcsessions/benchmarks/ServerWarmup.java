package io.mcsessions.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Brings a new server to its steady state before anything is measured. On this 2-core machine a server's JIT
 * needs from 30 s (msm) to a minute (mcsessions) of load before its CPU per request stops falling: measured from a
 * fresh start for 15 s, mcsessions sticky async used 112 µs per request, and 33 µs four runs later (performance.md,
 * "Why the two harnesses disagreed"). So the server gets the write mix in rounds of {@value #ROUND_SECONDS} s until
 * the server CPU per request of a round is within {@value #SETTLED_PERCENT}% of the round before (CPU per request,
 * not requests/s: other processes on the machine move the latter much more), or the timing's limit is reached.
 */
final class ServerWarmup {

    static final int ROUND_SECONDS = 5;
    static final int SETTLED_PERCENT = 10;
    private static final int MIN_ROUNDS = 3;

    private ServerWarmup() {
    }

    static void run(RunBenchmarks.Options options, ServerProcess server, List<String> ids, Path sessionsFile,
                    Costs.Meter meter, WrkLoad wrk) throws Exception {
        Duration limit = options.timing().serverWarmup();
        if (limit.isZero()) {
            return;
        }
        Duration round = Duration.ofSeconds(ROUND_SECONDS);
        long rounds = Math.max(1, limit.toSeconds() / ROUND_SECONDS);
        double previous = Double.NaN;
        StringBuilder trace = new StringBuilder();
        for (int r = 1; r <= rounds; r++) {
            double cpu = perRequest(options, server, ids, sessionsFile, meter, wrk, round);
            trace.append(trace.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", cpu));
            boolean settled = r >= MIN_ROUNDS && Math.abs(cpu - previous) <= previous * SETTLED_PERCENT / 100.0;
            if (settled || r == rounds) {
                RunBenchmarks.log("  warm-up: " + r * ROUND_SECONDS + " s, server µs/request per round: " + trace
                        + (settled ? " (settled)" : " (limit reached)"));
                return;
            }
            previous = cpu;
        }
    }

    private static double perRequest(RunBenchmarks.Options options, ServerProcess server, List<String> ids,
                                     Path sessionsFile, Costs.Meter meter, WrkLoad wrk, Duration round)
            throws Exception {
        if (wrk != null) {
            WrkLoad.Outcome outcome = wrk.run(new WrkLoad.Settings(server.port(), sessionsFile, Mix.WRITES,
                    RunBenchmarks.CONNECTIONS, Duration.ZERO, round), meter);
            return meter.last().perRequest(meter.last().serverCpuMicros(), outcome.load().requests());
        }
        LoadGenerator load = new LoadGenerator(new LoadGenerator.Settings("127.0.0.1", server.port(),
                RunBenchmarks.COOKIE, ids, Mix.WRITES, RunBenchmarks.CONNECTIONS, Duration.ZERO, round, 0));
        Measurement measured = load.run(List.of(), meter);
        return meter.last().perRequest(meter.last().serverCpuMicros(), measured.requests());
    }
}
