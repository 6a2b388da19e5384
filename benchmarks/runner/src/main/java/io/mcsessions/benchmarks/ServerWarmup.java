package io.mcsessions.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Brings a new server to its steady state before anything is measured. On this 2-core machine a server's JIT
 * needs from 30 s (msm) to a minute (mcsessions) of load before its CPU per request stops falling: measured from a
 * fresh start for 15 s, mcsessions sticky async used 112 µs per request, and 33 µs four runs later (performance.md,
 * "Why the two harnesses disagreed"). So the server gets the write mix in rounds of {@value #ROUND_SECONDS} s, at
 * least {@value #MIN_ROUNDS} of them, until the server CPU per request of the last three rounds spans no more than
 * {@value #SETTLED_PERCENT}% of their mean (CPU per request, not requests/s: other processes on the machine move the
 * latter much more; three rounds, because the JIT has plateaus: 93, 80, 65, 67 and then 34 µs), or the timing's
 * limit is reached.
 */
final class ServerWarmup {

    static final int ROUND_SECONDS = 5;
    static final int SETTLED_PERCENT = 10;
    static final int MIN_ROUNDS = 6;

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
        List<Double> cpu = new java.util.ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            cpu.add(perRequest(options, server, ids, sessionsFile, meter, wrk, round));
            boolean settled = r >= MIN_ROUNDS && settled(cpu.subList(r - 3, r));
            if (settled || r == rounds) {
                RunBenchmarks.log("  warm-up: " + r * ROUND_SECONDS + " s, server µs/request per round: "
                        + String.join(", ", cpu.stream().map(c -> String.format(Locale.ROOT, "%.0f", c)).toList())
                        + (settled ? " (settled)" : " (limit reached)"));
                return;
            }
        }
    }

    /** Whether the rounds' CPU per request spans at most {@value #SETTLED_PERCENT}% of its mean (104, 95, 85 does not). */
    static boolean settled(List<Double> last) {
        double mean = last.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double span = last.stream().mapToDouble(Double::doubleValue).max().orElse(0)
                - last.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        return mean > 0 && span <= mean * SETTLED_PERCENT / 100.0;
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
