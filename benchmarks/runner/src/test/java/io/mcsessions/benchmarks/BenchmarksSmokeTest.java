package io.mcsessions.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole benchmark for a few seconds, as {@code ./bench.sh --quick} does, so the documented command keeps
 * working: every server setup starts and serves, every JMH benchmark runs, and the report names every row. The
 * figures themselves are not checked (speed is read off docs/BENCHMARKS.md, never asserted).
 */
class BenchmarksSmokeTest {

    @Test
    void everySetupServesEveryRequestAndTheReportNamesIt() throws Exception {
        Path root = Path.of(System.getProperty(RunBenchmarks.ROOT_PROPERTY, "../..")).toAbsolutePath().normalize();
        Path output = root.resolve("benchmarks/runner/target/smoke/BENCHMARKS.md");
        RunBenchmarks.Options options = new RunBenchmarks.Options(true, output, false, List.of(), root);

        Report report = RunBenchmarks.run(options);

        // Ours and the in-memory ceilings never fail a request or lose a session, also with a node paused; the
        // peers' figures are reported as they come.
        for (Setup setup : Setup.ALL) {
            Measurement m = report.results().get(setup.name());
            assertTrue(m.requests() > 0, setup.name() + " served no request");
            if (setup.name().contains("mcsessions") || setup.name().contains("standard")
                    || setup.name().equals(Setup.JETTY_CEILING)) {
                assertEquals(0, m.errors() + m.creationFailures(), setup.name() + ": " + m.firstError());
                assertEquals(0, m.lostSessions(), setup.name() + " lost sessions");
            }
        }
        assertEquals(0, report.paused().errors(), "with a node paused: " + report.paused().firstError());
        assertEquals(0, report.paused().lostSessions(), "with a node paused, sessions were lost");

        String markdown = Files.readString(report.markdown());
        for (Setup setup : Setup.ALL) {
            assertTrue(markdown.contains("| " + setup.label() + " |"), "the report has a row for " + setup.name());
        }
        assertTrue(markdown.contains("## One node of three paused"), "the report has the paused-node run");
        assertTrue(Files.readString(report.chart()).startsWith("<svg"), "the chart is an SVG");
        assertTrue(markdown.contains("StoreBenchmark.saveAndLoad | redundancy=2"), markdown);
        assertTrue(markdown.contains("RawSpymemcachedBenchmark.setAndGet"), markdown);
        assertTrue(markdown.contains("SerializationBenchmark.deserialize | kilobytes=100"), markdown);
    }

    @Test
    void aMeasurementCountsWhatTheWorkersRecorded() {
        LoadGenerator generator = new LoadGenerator(new LoadGenerator.Settings("127.0.0.1", 1, "/", "JSESSIONID", 1,
                1, java.time.Duration.ZERO, java.time.Duration.ofSeconds(2)));
        LoadGenerator.Worker worker = generator.new Worker(0, null, null, null, null, null);
        worker.startMicros = new long[] {100, 1_500_000, 1_600_000};
        worker.latencyMicros = new int[] {1_000, 200_000, 3_000};
        worker.recorded = 3;
        worker.errors = 1;

        Measurement m = Measurement.of(new LoadGenerator.Worker[] {worker}, java.time.Duration.ofSeconds(2), List.of(),
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
