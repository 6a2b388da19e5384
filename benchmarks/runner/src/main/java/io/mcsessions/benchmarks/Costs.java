package io.mcsessions.benchmarks;

import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the measured part of a run cost, besides time: CPU of the server JVM, of the load generator, of memcached
 * and of the whole machine, memcached operations by kind (from every node's {@code stats}), and the sessions the
 * server created (from the benchmark webapp's {@code /bench/stats}, so that wrk's runs, which read no bodies, are
 * checked for lost sessions too).
 *
 * @param seconds            length of the window
 * @param serverCpuMicros    the server JVM's user + system time
 * @param clientCpuMicros    the load generator's (the runner JVM for the Java generator, the wrk process for wrk)
 * @param memcachedCpuMicros the memcached processes', together
 * @param machineBusyMicros  every core's non-idle time, everyone's processes included
 * @param operations         memcached operations by kind: get, set (also add, cas, ...), touch, delete, other
 * @param sessionsCreated    sessions the servlet created
 * @param sessionsLost       of those, the ones whose request named a session
 */
record Costs(double seconds, long serverCpuMicros, long clientCpuMicros, long memcachedCpuMicros,
             long machineBusyMicros, Map<String, Long> operations, long sessionsCreated, long sessionsLost) {

    static final Costs NONE = new Costs(0, 0, 0, 0, 0, Map.of(), 0, 0);

    long totalOperations() {
        return operations.values().stream().mapToLong(Long::longValue).sum();
    }

    double perRequest(long value, long requests) {
        return requests == 0 ? 0 : (double) value / requests;
    }

    /** The same costs with the client's CPU time replaced (wrk's is known only once it has exited). */
    Costs withClientCpu(long micros) {
        return new Costs(seconds, serverCpuMicros, micros, memcachedCpuMicros, machineBusyMicros, operations,
                sessionsCreated, sessionsLost);
    }

    /** Everything counted at one moment. */
    record Snapshot(long nanos, long server, long runner, long memcached, long machine, Map<String, Long> operations,
                    long created, long lost) {
    }

    /** Takes snapshots for one server against one cluster, and turns two of them into {@link Costs}. */
    static final class Meter implements LoadGenerator.Window {
        private final long serverPid;
        private final int serverPort;
        private final MemcachedCluster cluster;
        private Snapshot opened;
        private Costs last = Costs.NONE;

        Meter(long serverPid, int serverPort, MemcachedCluster cluster) {
            this.serverPid = serverPid;
            this.serverPort = serverPort;
            this.cluster = cluster;
        }

        @Override
        public void open() {
            opened = take();
        }

        @Override
        public void close() {
            Snapshot closed = take();
            last = between(opened, closed);
        }

        /** The costs of the last window opened and closed. */
        Costs last() {
            return last;
        }

        Snapshot take() {
            long memcached = 0;
            Map<String, Long> operations = new LinkedHashMap<>();
            for (MemcachedNode node : cluster.nodes()) {
                memcached += Math.max(0, ProcessCpu.micros(node.pid()));
                count(operations, node.stats());
            }
            long[] sessions = serverSessions();
            return new Snapshot(System.nanoTime(), ProcessCpu.micros(serverPid),
                    ProcessCpu.micros(ProcessHandle.current().pid()), memcached, ProcessCpu.machineBusyMicros(),
                    operations, sessions[0], sessions[1]);
        }

        private long[] serverSessions() {
            try (HttpConnection connection = new HttpConnection("127.0.0.1", serverPort, "JSESSIONID")) {
                HttpConnection.Response response = connection.getText("/bench/stats");
                return parseSessions(response.body());
            } catch (IOException e) {
                return new long[] {-1, -1};
            }
        }

        static Costs between(Snapshot a, Snapshot b) {
            Map<String, Long> operations = new LinkedHashMap<>();
            for (Map.Entry<String, Long> e : b.operations().entrySet()) {
                operations.put(e.getKey(), e.getValue() - a.operations().getOrDefault(e.getKey(), 0L));
            }
            return new Costs((b.nanos() - a.nanos()) / 1e9, b.server() - a.server(), b.runner() - a.runner(),
                    b.memcached() - a.memcached(), b.machine() - a.machine(), operations, b.created() - a.created(),
                    b.lost() - a.lost());
        }
    }

    /**
     * Adds one node's {@code stats} to the totals by kind. memcached counts {@code add}, {@code replace} and
     * {@code cas} in {@code cmd_set}, and a get-and-touch in {@code cmd_touch}.
     */
    static void count(Map<String, Long> totals, Map<String, String> stats) {
        totals.merge("get", value(stats, "cmd_get"), Long::sum);
        totals.merge("set", value(stats, "cmd_set"), Long::sum);
        totals.merge("touch", value(stats, "cmd_touch"), Long::sum);
        totals.merge("delete", value(stats, "delete_hits") + value(stats, "delete_misses"), Long::sum);
        totals.merge("other", value(stats, "incr_hits") + value(stats, "incr_misses") + value(stats, "decr_hits")
                + value(stats, "decr_misses"), Long::sum);
    }

    private static long value(Map<String, String> stats, String key) {
        String value = stats.get(key);
        return value == null ? 0 : Long.parseLong(value.trim());
    }

    /** {@code created=N lost=N}, as the benchmark webapp's stats servlet writes it. */
    static long[] parseSessions(String body) {
        long[] values = {-1, -1};
        for (String part : body.trim().split("\\s+")) {
            if (part.startsWith("created=")) {
                values[0] = Long.parseLong(part.substring("created=".length()));
            } else if (part.startsWith("lost=")) {
                values[1] = Long.parseLong(part.substring("lost=".length()));
            }
        }
        return values;
    }
}
