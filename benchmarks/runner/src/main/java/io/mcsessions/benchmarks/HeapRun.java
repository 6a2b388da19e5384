package io.mcsessions.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Heap per session created: for a while every request creates a session (no cookie; counter + 1 KB attribute),
 * then the server's heap is measured after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}) and compared
 * with the heap after a full GC before the load. What stays is what the server keeps per session it has served:
 * the whole session in memory for StandardManager, a local copy or nothing for the memcached stores.
 *
 * <p>The load runs in two halves with a full GC between them. A store whose heap grows with the sessions it served
 * grows in the second half as in the first; one whose copies are bounded (non-sticky {@code maxLocalCopies}) fills
 * its bound in the first half and grows no more: "bytes per session created" then is the bound spread over however
 * many sessions the run created, and the second half's growth says what each further session costs.
 *
 * @param setup          the configuration
 * @param sessions       sessions the servlet created (the server's count)
 * @param heapBefore     heap used after a full GC, before the load, in bytes
 * @param heapAfter      heap used after a full GC, after the load, in bytes
 * @param requestsPerSecond how fast the sessions were created
 * @param secondHalfSessions sessions created in the second half of the load
 * @param heapMidway     heap used after a full GC between the two halves, in bytes
 */
record HeapRun(Setup setup, long sessions, long heapBefore, long heapAfter, double requestsPerSecond,
               long secondHalfSessions, long heapMidway) {

    /** Caps the sessions one run creates, so that StandardManager's (1.6 KB each) stay well inside the 1 GB heap. */
    static final long MAX_SESSIONS = 200_000;

    private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total \\d+K, used (\\d+)K");

    /** Heap kept per session created, in bytes (0 if no session was created). */
    double bytesPerSession() {
        return sessions == 0 ? 0 : (double) (heapAfter - heapBefore) / sessions;
    }

    /** Heap kept per session created in the second half of the load, in bytes (0 if none was created). */
    double secondHalfBytesPerSession() {
        return secondHalfSessions == 0 ? 0 : (double) (heapAfter - heapMidway) / secondHalfSessions;
    }

    /**
     * Loads {@code server} for {@code duration} (two halves) with a new session per request and measures its heap
     * before, between the halves and after.
     */
    static HeapRun measure(Setup setup, ServerProcess server, Costs.Meter meter, Duration duration)
            throws IOException, InterruptedException {
        long before = heapAfterFullGc(server.pid());
        Costs.Snapshot start = meter.take();
        Measurement first = createSessions(server, duration.dividedBy(2));
        long midway = heapAfterFullGc(server.pid());
        Costs.Snapshot secondStart = meter.take();
        Measurement second = createSessions(server, duration.dividedBy(2));
        Costs.Snapshot end = meter.take();
        long after = heapAfterFullGc(server.pid());
        return new HeapRun(setup, Costs.Meter.between(start, end).sessionsCreated(), before, after,
                (first.requestsPerSecond() + second.requestsPerSecond()) / 2,
                Costs.Meter.between(secondStart, end).sessionsCreated(), midway);
    }

    private static Measurement createSessions(ServerProcess server, Duration duration)
            throws IOException, InterruptedException {
        LoadGenerator load = new LoadGenerator(new LoadGenerator.Settings("127.0.0.1", server.port(),
                RunBenchmarks.COOKIE, List.of(), Mix.WRITES, RunBenchmarks.CONNECTIONS, Duration.ZERO, duration,
                MAX_SESSIONS / 2));
        Measurement measured = load.run(List.of(), LoadGenerator.Window.NONE);
        // Writes still queued after the last response (async backups) are not what a session keeps.
        Thread.sleep(1_000);
        return measured;
    }

    /** Runs a full GC in the JVM {@code pid} and returns the heap it then uses, in bytes. */
    static long heapAfterFullGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        return parseHeapUsed(jcmd(pid, "GC.heap_info"));
    }

    /** The used heap of {@code GC.heap_info}'s first line ({@code garbage-first heap   total 1048576K, used 2345K}). */
    static long parseHeapUsed(String heapInfo) throws IOException {
        Matcher used = HEAP_USED.matcher(heapInfo);
        if (!used.find()) {
            throw new IOException("jcmd GC.heap_info printed no 'heap total ...K, used ...K' line: " + heapInfo);
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + command + " failed: " + output.trim());
        }
        return output;
    }
}
