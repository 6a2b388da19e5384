package io.mcsessions.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the runner reads what it measures: wrk's output, /proc, memcached's stats, jcmd, and which pass it shows. */
class MeasuringTest {

    @Test
    void wrkOutputGivesRequestsPercentilesErrorsAndWrksOwnCpu() throws IOException {
        String output = """
                Running 10s test @ http://127.0.0.1:8080/bench/hit
                  2 threads and 32 connections
                WRK_RESULT requests=123456 duration_us=10001000 p50_us=1200 p99_us=8800 p999_us=15000 max_us=40000 \
                connect=0 read=2 write=0 status=1 timeout=0
                0m0.002s 0m0.001s
                0m1.500s 0m2.250s
                """;

        WrkLoad.Outcome outcome = WrkLoad.parse(output);

        assertEquals(123_456, outcome.load().requests());
        assertEquals(10.001, outcome.load().seconds(), 1e-9);
        assertEquals(1_200, outcome.load().p50Micros());
        assertEquals(8_800, outcome.load().p99Micros());
        assertEquals(3, outcome.load().errors());
        assertTrue(outcome.load().firstError().contains("2 read"), outcome.load().firstError());
        assertEquals(3_750_000, outcome.cpuMicros(), "wrk's user + system time, from the children's line");
    }

    @Test
    void wrkOutputWithoutTheResultLineIsAnErrorThatShowsTheOutput() {
        IOException e = assertThrows(IOException.class, () -> WrkLoad.parse("unable to connect to 127.0.0.1:1"));
        assertTrue(e.getMessage().contains("unable to connect"), e.getMessage());
    }

    @Test
    void processCpuCountsFieldsAfterTheCommandNameEvenWithSpacesInIt() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 40 0 99 0 0";

        assertEquals(1234 + 567, ProcessCpu.parseProcessTicks(stat));
        assertEquals(100 + 1 + 50 + 3 + 4 + 5,
                ProcessCpu.parseMachineBusyTicks("cpu  100 1 50 9000 7 3 4 5 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"));
        assertTrue(ProcessCpu.micros(ProcessHandle.current().pid()) > 0, "this JVM has used CPU time");
    }

    @Test
    void memcachedOperationsAreCountedByKindAndSubtracted() {
        Map<String, Long> before = new LinkedHashMap<>();
        Costs.count(before, Map.of("cmd_get", "10", "cmd_set", "20", "cmd_touch", "5", "delete_hits", "1"));
        Map<String, Long> after = new LinkedHashMap<>();
        Costs.count(after, Map.of("cmd_get", "14", "cmd_set", "22", "cmd_touch", "5", "delete_hits", "1",
                "delete_misses", "2"));
        Costs.count(after, Map.of("cmd_get", "1", "incr_hits", "3"));

        Costs costs = Costs.Meter.between(new Costs.Snapshot(0, 100, 10, 0, 0, before, 5, 1),
                new Costs.Snapshot(2_000_000_000L, 700, 40, 30, 0, after, 7, 1));

        assertEquals(Map.of("get", 5L, "set", 2L, "touch", 0L, "delete", 2L, "other", 3L), costs.operations());
        assertEquals(12, costs.totalOperations());
        assertEquals(600, costs.serverCpuMicros());
        assertEquals(30, costs.clientCpuMicros());
        assertEquals(2, costs.sessionsCreated());
        assertEquals(0, costs.sessionsLost());
        assertEquals(2.0, costs.seconds(), 1e-9);
        assertEquals(List.of(12L, 3L), List.of(Costs.parseSessions("created=12 lost=3")[0],
                Costs.parseSessions("created=12 lost=3")[1]));
    }

    @Test
    void heapUsedIsReadOffG1sHeapInfo() throws IOException {
        String info = """
                12345:
                 garbage-first heap   total 1048576K, used 23456K [0x00000000c0000000, 0x0000000100000000)
                  region size 1024K, 3 young (3072K), 0 survivors (0K)
                 Metaspace       used 20000K, committed 20480K, reserved 1114112K
                """;

        assertEquals(23_456L * 1024, HeapRun.parseHeapUsed(info));
    }

    @Test
    void theReportedPassIsTheMedianAndNoLostSessionIsHidden() {
        Results results = new Results();
        Setup setup = Setup.named(Setup.PAUSED_BASE);
        for (long requests : new long[] {3_000, 1_000, 2_000}) {
            Costs costs = new Costs(1, 0, 0, 0, 0, Map.of(), requests == 1_000 ? 4 : 0, requests == 1_000 ? 4 : 0);
            results.add(new Result(setup, Generator.WRK, Mix.WRITES, 1,
                    Measurement.summary(requests, 1, 0, 0, 0, 0, 0, null), costs));
        }

        assertEquals(2_000, results.reported(Setup.PAUSED_BASE, Generator.WRK, Mix.WRITES).orElseThrow()
                .requestsPerSecond());
        assertEquals(4, results.lostSessions(Setup.PAUSED_BASE, Generator.WRK, Mix.WRITES));
        assertTrue(results.reported(Setup.PAUSED_BASE, Generator.JAVA, Mix.WRITES).isEmpty());
    }

    @Test
    void aServerIsWarmOnlyWhenThreeRoundsInARowCostTheSame() {
        assertTrue(ServerWarmup.settled(List.of(34.0, 33.0, 35.0)));
        assertTrue(!ServerWarmup.settled(List.of(104.0, 95.0, 85.0)), "still falling by 10% a round");
        assertTrue(!ServerWarmup.settled(List.of(65.0, 67.0, 34.0)), "a plateau of the JIT, then the next tier");
    }

    @Test
    void badOptionsNameTheOptionTheRuleAndTheValue() {
        IllegalArgumentException passes = assertThrows(IllegalArgumentException.class,
                () -> RunBenchmarks.Options.parse(new String[] {"--passes=0"}));
        assertEquals("--passes must be a whole number from 1 to 9, but was '0'", passes.getMessage());
        IllegalArgumentException mix = assertThrows(IllegalArgumentException.class,
                () -> RunBenchmarks.Options.parse(new String[] {"--mixes=writes,reads"}));
        assertTrue(mix.getMessage().contains("'reads'"), mix.getMessage());
        RunBenchmarks.Options options = RunBenchmarks.Options.parse(new String[] {"--generators=java", "--quick"});
        assertEquals(List.of(Generator.JAVA), options.generators());
        assertEquals(Duration.ofSeconds(2), options.timing().measured());
    }
}
