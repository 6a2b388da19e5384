package io.mcsessions.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * CPU time from Linux's {@code /proc}: a process's user + system time ({@code /proc/<pid>/stat}, every thread
 * included) and the whole machine's busy time ({@code /proc/stat}). Both count in clock ticks (usually 10 ms); over
 * a 10 s window of a busy server that is a resolution well under 1%.
 */
final class ProcessCpu {

    /** Microseconds per clock tick ({@code getconf CLK_TCK}, 100 on every Linux we know). */
    static final long MICROS_PER_TICK = 1_000_000 / clockTicksPerSecond();

    private ProcessCpu() {
    }

    /** User + system CPU time the process has used so far, in µs, or -1 if it cannot be read (gone, not Linux). */
    static long micros(long pid) {
        try {
            return parseProcessTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) * MICROS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU time all cores spent not idle so far, in µs, or -1 if it cannot be read. */
    static long machineBusyMicros() {
        try {
            return parseMachineBusyTicks(Files.readString(Path.of("/proc/stat"))) * MICROS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * utime + stime of a {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses and may hold
     * spaces, so fields are counted from the last ')': state is the first after it, utime the 12th, stime the 13th.
     */
    static long parseProcessTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** user + nice + system + irq + softirq + steal of the {@code cpu} line of {@code /proc/stat}. */
    static long parseMachineBusyTicks(String stat) {
        String line = stat.lines().filter(l -> l.startsWith("cpu ")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cpu line in /proc/stat"));
        String[] f = line.substring(4).trim().split("\\s+");
        long busy = 0;
        for (int i : new int[] {0, 1, 2, 5, 6, 7}) {
            busy += i < f.length ? Long.parseLong(f[i]) : 0;
        }
        return busy;
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor(5, TimeUnit.SECONDS) && out.matches("[0-9]+") && Long.parseLong(out) > 0) {
                return Long.parseLong(out);
            }
        } catch (IOException e) {
            // no getconf: Linux's USER_HZ is 100 everywhere we run
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
