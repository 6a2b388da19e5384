package io.mcsessions.benchmarks;

/**
 * One measured run: a configuration, loaded by one generator with one mix, and what it cost.
 *
 * @param setup     the configuration
 * @param generator who sent the requests
 * @param mix       what the requests did
 * @param pass      which pass over the configurations (from 1)
 * @param load      throughput and latency, as the generator measured them
 * @param costs     CPU, memcached operations and sessions created, over the same window
 */
record Result(Setup setup, Generator generator, Mix mix, int pass, Measurement load, Costs costs) {

    double requestsPerSecond() {
        return load.requestsPerSecond();
    }

    /** The server JVM's CPU time per request, in µs. */
    double serverCpuPerRequest() {
        return costs.perRequest(costs.serverCpuMicros(), load.requests());
    }

    /** The load generator's CPU time per request, in µs. */
    double clientCpuPerRequest() {
        return costs.perRequest(costs.clientCpuMicros(), load.requests());
    }

    /** memcached's CPU time per request (all nodes), in µs. */
    double memcachedCpuPerRequest() {
        return costs.perRequest(costs.memcachedCpuMicros(), load.requests());
    }

    /**
     * The CPU time one request cost everyone it involved (server, load generator, memcached), in µs. On a machine
     * shared with other work the requests/s depend on the share of the cores the benchmark got; this does not.
     */
    double totalCpuPerRequest() {
        return serverCpuPerRequest() + clientCpuPerRequest() + memcachedCpuPerRequest();
    }

    /** How many cores were busy on average over the window, everyone's processes included. */
    double machineBusyCores() {
        return costs.seconds() == 0 ? 0 : costs.machineBusyMicros() / 1e6 / costs.seconds();
    }

    /** memcached operations of every kind per request. */
    double operationsPerRequest() {
        return costs.perRequest(costs.totalOperations(), load.requests());
    }

    double operationsPerRequest(String kind) {
        return costs.perRequest(costs.operations().getOrDefault(kind, 0L), load.requests());
    }

    /** Lost sessions: the server's count, or the client's where the server's is larger (it never is lower). */
    long lostSessions() {
        return Math.max(costs.sessionsLost(), load.lostSessions());
    }
}
