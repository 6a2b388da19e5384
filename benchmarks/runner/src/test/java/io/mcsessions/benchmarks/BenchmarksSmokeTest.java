package io.mcsessions.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the benchmark for a few seconds on one setup of each server module (Tomcat 11 with ours, Tomcat 9 with
 * msm, Jetty with ours), both mixes, the heap run and the paused-node run, so the documented command keeps
 * working; {@code ./bench.sh --quick} runs every setup. It drives the Java generator only: wrk is not part of the
 * test machine's tools ({@link WrkLoadTest} checks the wrk script where wrk is installed). The figures themselves
 * are not checked (speed is read off docs/BENCHMARKS.md, never asserted).
 */
class BenchmarksSmokeTest {

    private static final List<String> SETUPS = List.of("tomcat11-mcsessions-sticky-n2-async", "msm-sticky-async",
            "jetty-mcsessions-null");
    private static final RunBenchmarks.Timing SMOKE = new RunBenchmarks.Timing(Duration.ofMillis(300),
            Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(1));

    @Test
    void oneSetupPerServerServesBothMixesAndTheReportNamesIt() throws Exception {
        Path root = Path.of(System.getProperty(RunBenchmarks.ROOT_PROPERTY, "../..")).toAbsolutePath().normalize();
        Path output = root.resolve("benchmarks/runner/target/smoke/BENCHMARKS.md");
        List<String> only = new java.util.ArrayList<>(SETUPS);
        only.add(RunBenchmarks.PAUSED);
        only.add(RunBenchmarks.HEAP);
        RunBenchmarks.Options options = new RunBenchmarks.Options(true, SMOKE, output, true, only,
                List.of(Generator.JAVA), List.of(Mix.values()), 1, List.of(Setup.PAUSED_BASE), root);

        Report report = RunBenchmarks.run(options);

        for (String name : SETUPS) {
            for (Mix mix : Mix.values()) {
                Result r = report.results().reported(name, Generator.JAVA, mix).orElseThrow();
                assertTrue(r.load().requests() > 0, name + " " + mix + " served no request");
                assertEquals(0, r.load().errors(), name + " " + mix + ": " + r.load().firstError());
                assertEquals(0, r.lostSessions(), name + " " + mix + " lost sessions");
                assertEquals(0, r.costs().sessionsCreated(), name + " " + mix + " created sessions under load");
                assertTrue(r.costs().serverCpuMicros() > 0, name + ": the server's CPU time was measured");
                assertTrue(r.costs().totalOperations() > 0, name + ": memcached operations were counted");
            }
        }
        assertEquals(0, report.paused().load().errors(), "with a node paused: " + report.paused().load().firstError());
        assertEquals(0, report.paused().load().lostSessions(), "with a node paused, sessions were lost");
        HeapRun heap = report.heap().get(0);
        assertTrue(heap.sessions() > 0, "the heap run created sessions");
        assertTrue(heap.secondHalfSessions() > 0 && heap.secondHalfSessions() < heap.sessions(),
                "the heap run's second half created some of its sessions: " + heap);

        String markdown = Files.readString(report.markdown());
        for (String name : SETUPS) {
            assertTrue(markdown.contains("| " + Setup.named(name).label() + " |"), "the report has a row for " + name);
        }
        assertTrue(markdown.contains("## End to end: every request writes"), markdown);
        assertTrue(markdown.contains("## End to end: 90% of requests only read"), markdown);
        assertTrue(markdown.contains("## Heap per session created"), markdown);
        assertTrue(markdown.contains("## One node of three paused"), "the report has the paused-node run");
        assertTrue(Files.readString(report.chart()).startsWith("<svg"), "the chart is an SVG");
    }

    @Test
    void aMeasurementCountsWhatTheWorkersRecorded() {
        LoadGenerator generator = new LoadGenerator(new LoadGenerator.Settings("127.0.0.1", 1, "JSESSIONID",
                List.of(), Mix.WRITES, 1, Duration.ZERO, Duration.ofSeconds(2), 0));
        LoadGenerator.Worker worker = generator.new Worker(null, 0, 0, null, null, null);
        worker.startMicros = new long[] {100, 1_500_000, 1_600_000};
        worker.latencyMicros = new int[] {1_000, 200_000, 3_000};
        worker.recorded = 3;
        worker.errors = 1;

        Measurement m = Measurement.of(new LoadGenerator.Worker[] {worker}, Duration.ofSeconds(2), List.of(),
                "status 500");

        assertEquals(3, m.requests());
        assertEquals(1.5, m.requestsPerSecond());
        assertEquals(3_000, m.p50Micros());
        assertEquals(200_000, m.maxMicros());
        assertEquals(List.of(1L, 2L), m.perSecond().stream().map(Measurement.Second::requests).toList());
        assertEquals(200_000, m.slowest().get(0).latencyMicros());
        assertEquals(1, m.slowerThan(1_000_000, 100_000));
        assertEquals(0, m.slowerThan(1_550_000, 100_000));
        assertNotNull(m.firstError());
    }
}
