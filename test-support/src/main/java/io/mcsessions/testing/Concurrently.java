package io.mcsessions.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one task on many threads at once, as many browsers of a test hitting one session do, and waits for all.
 *
 * <pre>{@code
 * Concurrently.run(8, Duration.ofMinutes(5), client -> {
 *     for (int i = 0; i < 200; i++) {
 *         browser(client).get((i + client) % 2 == 0 ? a : b, "/count");
 *     }
 * });
 * }</pre>
 */
public final class Concurrently {

    /** The work of one thread, given its number. */
    @FunctionalInterface
    public interface Task {
        /** Runs on thread {@code index}, 0 to the number of threads - 1. */
        void run(int index) throws Exception;
    }

    private Concurrently() {
    }

    /**
     * Starts {@code task} on {@code threads} threads and waits until every one has ended, at most {@code limit} in
     * all. The first failure (in thread order) is thrown as it was thrown, an {@link AssertionError} included, and
     * the threads still running are interrupted.
     *
     * @throws AssertionError if the threads together took longer than {@code limit}
     */
    public static void run(int threads, Duration limit, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>(threads);
            for (int i = 0; i < threads; i++) {
                int index = i;
                running.add(pool.submit(() -> {
                    task.run(index);
                    return null;
                }));
            }
            long deadline = System.nanoTime() + limit.toNanos();
            for (Future<?> thread : running) {
                try {
                    thread.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception failure) {
                        throw failure;
                    }
                    throw (Error) e.getCause();
                } catch (TimeoutException e) {
                    throw new AssertionError(threads + " threads did not end within " + limit, e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
