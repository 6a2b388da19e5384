package io.mcsessions.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Pauses the whole machine as far as a test can see it: this JVM and memcached processes stop together and
 * resume together, as under a paused virtual machine (steal time, live migration) or a host stalled on memory.
 * Every thread of the test and of the code under test stops, so no timer and no answer runs during the pause;
 * on resume the timeouts fall due at once, while the nodes still have to answer what was sent before.
 *
 * <p>A child shell does it ({@code kill -STOP}, {@code sleep}, {@code kill -CONT}), since a frozen JVM cannot
 * wake itself; this method returns after the resume.
 */
public final class MachinePause {
    private static final long EXTRA_WAIT_MILLIS = 10_000;

    private MachinePause() {
    }

    /**
     * Stops this JVM and every node of {@code nodes} that runs and is not paused by the test, for {@code length}.
     *
     * @throws IllegalStateException if the pause could not be made
     */
    public static void pause(Duration length, List<MemcachedNode> nodes) {
        String pids = Stream.concat(Stream.of(ProcessHandle.current().pid()),
                        nodes.stream().filter(n -> n.isRunning() && !n.isPaused()).map(MemcachedNode::pid))
                .map(String::valueOf).collect(Collectors.joining(" "));
        String seconds = String.format(Locale.ROOT, "%.3f", length.toMillis() / 1000.0);
        // One shell: SIGCONT follows even though this JVM, which started it, is stopped meanwhile.
        String script = "kill -STOP " + pids + "; sleep " + seconds + "; kill -CONT " + pids;
        try {
            Process shell = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
            if (!shell.waitFor(length.toMillis() + EXTRA_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                shell.destroyForcibly();
                throw new IllegalStateException("the machine pause (" + script + ") did not end in time");
            }
            if (shell.exitValue() != 0) {
                throw new IllegalStateException("the machine pause (" + script + ") failed: "
                        + new String(shell.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the machine pause (" + script + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the machine pause", e);
        }
    }
}
