package io.mcsessions.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What one load run measured: throughput, latency percentiles, failures, and (for the paused-node run) how each
 * second went and which requests were slowest.
 *
 * @param requests      requests started in the measured part
 * @param seconds       length of the measured part
 * @param p50Micros     median latency
 * @param p99Micros     99th percentile latency
 * @param p999Micros    99.9th percentile latency
 * @param maxMicros     slowest request
 * @param errors        requests that failed (I/O error or a status other than 200)
 * @param lostSessions  requests for an existing session that found a new one (counter back at 1), as the client
 *                      saw it (wrk does not read bodies: its runs rely on the server's own count, see {@link Costs})
 * @param firstError    the first failure, for the log, or null
 * @param perSecond     one entry per second of the measured part
 * @param slowest       the slowest requests, slowest first
 * @param slow          every request that took {@value #SLOW_MICROS} µs or longer (at most 10,000), in start order
 * @param events        what was done to the system during the run, and when
 */
record Measurement(long requests, double seconds, long p50Micros, long p99Micros, long p999Micros, long maxMicros,
                   long errors, long lostSessions, String firstError, List<Second> perSecond,
                   List<Request> slowest, List<Request> slow, List<Event> events) {

    /** What counts as a slow request: 100 ms. */
    static final long SLOW_MICROS = 100_000;

    /** Requests that started in one second of the run. */
    record Second(int second, long requests, long p99Micros, long maxMicros) {
    }

    /** One request: when it started (from the start of the measured part) and how long it took. */
    record Request(long startMicros, long latencyMicros) {
    }

    /** An action on the system under load, at a moment of the measured part. */
    record Event(long atMicros, String label) {
    }

    double requestsPerSecond() {
        return requests / seconds;
    }

    /** A run of which only the totals and the percentiles are known (wrk reports no single requests). */
    static Measurement summary(long requests, double seconds, long p50Micros, long p99Micros, long p999Micros,
                               long maxMicros, long errors, String firstError) {
        return new Measurement(requests, seconds, p50Micros, p99Micros, p999Micros, maxMicros, errors, 0, firstError,
                List.of(), List.of(), List.of(), List.of());
    }

    static Measurement of(LoadGenerator.Worker[] workers, Duration measured, List<Event> events, String firstError) {
        int total = 0;
        long errors = 0;
        long lost = 0;
        for (LoadGenerator.Worker worker : workers) {
            total += worker.recorded;
            errors += worker.errors;
            lost += worker.lostSessions;
        }
        long[] starts = new long[total];
        int[] latencies = new int[total];
        int at = 0;
        for (LoadGenerator.Worker worker : workers) {
            System.arraycopy(worker.startMicros, 0, starts, at, worker.recorded);
            System.arraycopy(worker.latencyMicros, 0, latencies, at, worker.recorded);
            at += worker.recorded;
        }
        int[] sorted = latencies.clone();
        Arrays.sort(sorted);

        int seconds = Math.max(1, (int) Math.ceil(measured.toMillis() / 1000.0));
        List<List<Integer>> buckets = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            buckets.add(new ArrayList<>());
        }
        List<Request> requests = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            int second = (int) Math.min(seconds - 1, starts[i] / 1_000_000);
            buckets.get(second).add(latencies[i]);
            requests.add(new Request(starts[i], latencies[i]));
        }
        List<Second> perSecond = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            int[] bucket = buckets.get(s).stream().mapToInt(Integer::intValue).sorted().toArray();
            perSecond.add(new Second(s, bucket.length, percentile(bucket, 0.99),
                    bucket.length == 0 ? 0 : bucket[bucket.length - 1]));
        }
        requests.sort(Comparator.comparingLong(Request::latencyMicros).reversed());
        List<Request> slowest = List.copyOf(requests.subList(0, Math.min(10, requests.size())));
        List<Request> slow = requests.stream().filter(r -> r.latencyMicros() >= SLOW_MICROS).limit(10_000)
                .sorted(Comparator.comparingLong(Request::startMicros)).toList();
        return new Measurement(total, measured.toMillis() / 1000.0, percentile(sorted, 0.50),
                percentile(sorted, 0.99), percentile(sorted, 0.999), total == 0 ? 0 : sorted[total - 1], errors, lost,
                firstError, List.copyOf(perSecond), slowest, slow, List.copyOf(events));
    }

    /** Requests that started at or after {@code fromMicros} and took at least {@code thresholdMicros}. */
    long slowerThan(long fromMicros, long thresholdMicros) {
        return slow.stream().filter(r -> r.startMicros() >= fromMicros && r.latencyMicros() >= thresholdMicros)
                .count();
    }

    private static long percentile(int[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(fraction * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
