package io.mcsessions.benchmarks;

import io.mcsessions.benchmarks.jmh.ChangeDetectionBenchmark;
import io.mcsessions.benchmarks.jmh.Nodes;
import io.mcsessions.benchmarks.jmh.RawSpymemcachedBenchmark;
import io.mcsessions.benchmarks.jmh.SerializationBenchmark;
import io.mcsessions.benchmarks.jmh.StoreBenchmark;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Runs the JMH benchmarks of core (serialization, save+load, the raw spymemcached floor). */
final class JmhRun {

    /** Measured iterations of 1 s per benchmark: enough for a usable error bar on a noisy 2-core machine. */
    static final int MEASURED_ITERATIONS = 10;

    /**
     * One benchmark result.
     *
     * @param benchmark the benchmark method, {@code Class.method}
     * @param parameter its parameter as {@code name=value}, or empty
     * @param score     mean time per operation
     * @param error     the 99.9% confidence half-width JMH reports (NaN with a single iteration)
     * @param unit      the unit of score and error
     */
    record Row(String benchmark, String parameter, double score, double error, String unit) {
    }

    private JmhRun() {
    }

    static List<Row> run(String nodes, boolean quick) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(SerializationBenchmark.class.getName())
                .include(ChangeDetectionBenchmark.class.getName())
                .include(StoreBenchmark.class.getName())
                .include(RawSpymemcachedBenchmark.class.getName())
                .mode(org.openjdk.jmh.annotations.Mode.AverageTime)
                .timeUnit(TimeUnit.MICROSECONDS)
                .jvmArgsAppend("-D" + Nodes.PROPERTY + "=" + nodes, "-Xms1g", "-Xmx1g")
                .shouldFailOnError(true);
        if (quick) {
            // Proves every benchmark runs; the figures mean nothing.
            options.forks(0).warmupIterations(0).measurementIterations(1)
                    .measurementTime(TimeValue.milliseconds(200));
            System.setProperty(Nodes.PROPERTY, nodes);
        } else {
            options.forks(1).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(MEASURED_ITERATIONS).measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        List<Row> rows = new ArrayList<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            String shortName = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
            StringBuilder parameter = new StringBuilder();
            for (String key : result.getParams().getParamsKeys()) {
                parameter.append(parameter.isEmpty() ? "" : ", ").append(key).append('=')
                        .append(result.getParams().getParam(key));
            }
            rows.add(new Row(shortName, parameter.toString(), result.getPrimaryResult().getScore(),
                    result.getPrimaryResult().getScoreError(), result.getPrimaryResult().getScoreUnit()));
        }
        rows.sort(Comparator.comparing(Row::benchmark).thenComparing(Row::parameter,
                Comparator.comparingInt(p -> p.isEmpty() ? 0 : Integer.parseInt(p.replaceAll("\\D", "")))));
        return rows;
    }
}
