package io.mcsessions.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * SIGSTOP and SIGCONT for a child process. Java 17 can only terminate processes, so this runs
 * {@code kill}; it then waits until {@code /proc} shows the effect, because delivery is asynchronous.
 */
final class ProcessSignals {

    private static final long TIMEOUT_MILLIS = 5_000;
    private static final String KILL = Files.isExecutable(Path.of("/bin/kill")) ? "/bin/kill" : "kill";

    private ProcessSignals() {
    }

    /** Stops {@code pid} and returns once it is stopped. */
    static void stop(long pid) {
        signal(pid, "STOP");
        awaitStopped(pid, true);
    }

    /** Continues {@code pid} and returns once it is no longer stopped. */
    static void resume(long pid) {
        signal(pid, "CONT");
        awaitStopped(pid, false);
    }

    private static void signal(long pid, String name) {
        try {
            Process kill = new ProcessBuilder(KILL, "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
            boolean exited = kill.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            if (!exited) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + name + " " + pid + " did not finish within " + TIMEOUT_MILLIS + " ms");
            }
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " failed (exit code " + kill.exitValue()
                        + "): " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + KILL + " -" + name + " " + pid + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name + " to " + pid, e);
        }
    }

    private static void awaitStopped(long pid, boolean expected) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.isReadable(stat)) {
            return; // no procfs (not Linux): the signal was sent, trust it
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (isStopped(stat) != expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("process " + pid + " was not " + (expected ? "stopped" : "continued")
                        + " within " + TIMEOUT_MILLIS + " ms");
            }
            Waiting.pause();
        }
    }

    private static boolean isStopped(Path stat) {
        try {
            String text = Files.readString(stat);
            // The state letter follows the command name, which is in parentheses and may contain spaces.
            return text.substring(text.lastIndexOf(')') + 1).trim().startsWith("T");
        } catch (IOException e) {
            return false;
        }
    }
}
