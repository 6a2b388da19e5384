package io.mcsessions.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains a process's output on a daemon thread, keeping only its last bytes. Draining matters:
 * a memcached started with {@code -vv} would block once the pipe buffer fills.
 */
final class OutputTail {

    private static final int KEEP = 8 * 1024;

    private final byte[] ring = new byte[KEEP];
    private long written;
    private final Thread drainer;

    OutputTail(InputStream stream, String threadName) {
        drainer = new Thread(() -> drain(stream), threadName);
        drainer.setDaemon(true);
        drainer.start();
    }

    private void drain(InputStream stream) {
        byte[] buffer = new byte[1024];
        try (stream) {
            int n;
            while ((n = stream.read(buffer)) >= 0) {
                append(buffer, n);
            }
        } catch (IOException e) {
            // The process is gone; what was read so far is all there is.
        }
    }

    private synchronized void append(byte[] buffer, int n) {
        for (int i = 0; i < n; i++) {
            ring[(int) (written++ % KEEP)] = buffer[i];
        }
    }

    /** Waits briefly for the drainer to reach end of stream (the process has exited), then returns the tail. */
    String awaitText(long millis) {
        try {
            drainer.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return text();
    }

    /** The last bytes the process wrote, as text, trimmed. */
    synchronized String text() {
        int length = (int) Math.min(written, KEEP);
        byte[] out = new byte[length];
        long start = written - length;
        for (int i = 0; i < length; i++) {
            out[i] = ring[(int) ((start + i) % KEEP)];
        }
        return new String(out, StandardCharsets.UTF_8).trim();
    }
}
