package io.mcsessions.benchmarks;

import io.mcsessions.testing.MemcachedCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The write mix on {@link Setup#PAUSED_BASE} with one memcached node stopped (SIGSTOP) for the middle third of the
 * measured part. It runs on the Java generator, which records every request, so the report can show each second
 * and the slowest requests.
 *
 * @param load what the generator measured
 * @param log  what the server logged about the nodes
 */
record PausedRun(Measurement load, List<String> log) {

    static PausedRun measure(RunBenchmarks.Options options, MemcachedCluster cluster, Path work, Path logs)
            throws Exception {
        cluster.reset();
        RunBenchmarks.Timing timing = options.timing();
        Duration third = timing.pausedMeasured().dividedBy(3);
        String victim = cluster.node(0).id();
        List<LoadGenerator.TimedAction> actions = new ArrayList<>();
        actions.add(new LoadGenerator.TimedAction(third, "SIGSTOP " + victim, () -> cluster.node(0).pause()));
        actions.add(new LoadGenerator.TimedAction(third.multipliedBy(2), "SIGCONT " + victim,
                () -> cluster.node(0).resume()));
        RunBenchmarks.log("end to end: " + Setup.PAUSED_BASE + " with " + victim + " paused for a third of the run");
        Setup base = Setup.named(Setup.PAUSED_BASE);
        Path pausedLogs = logs.resolve(RunBenchmarks.PAUSED);
        Measurement measured;
        try (ServerProcess server = RunBenchmarks.start(options, base, cluster.nodesString(), pausedLogs)) {
            List<String> ids = SessionIds.create(server.port(), RunBenchmarks.SESSIONS,
                    work.resolve("sessions-paused.txt"));
            LoadGenerator load = new LoadGenerator(new LoadGenerator.Settings("127.0.0.1", server.port(),
                    RunBenchmarks.COOKIE, ids, Mix.WRITES, RunBenchmarks.CONNECTIONS, timing.warmup(),
                    timing.pausedMeasured(), 0));
            measured = load.run(actions, LoadGenerator.Window.NONE);
        } finally {
            if (cluster.node(0).isPaused()) {
                cluster.node(0).resume();
            }
        }
        List<String> nodeLog = Files.readAllLines(pausedLogs.resolve(Setup.PAUSED_BASE + ".log")).stream()
                .filter(line -> line.startsWith("WARNING:") || line.startsWith("INFO:") || line.startsWith("SEVERE:"))
                .filter(line -> line.contains("memcached node"))
                .toList();
        RunBenchmarks.log("  " + RunBenchmarks.summary(measured));
        return new PausedRun(measured, nodeLog);
    }
}
