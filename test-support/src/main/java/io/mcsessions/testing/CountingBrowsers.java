package io.mcsessions.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Browsers that count in their sessions while a test changes something under them (the node list, a node's life):
 * each sends request after request, each to the instance the test's {@link Request} picks, and expects its n-th
 * request to answer {@code n}. Any other answer, or a failed request, is a {@linkplain #problems() problem} and ends
 * that browser.
 *
 * <pre>{@code
 * try (CountingBrowsers browsers = CountingBrowsers.start(4, SessionClient::new,
 *         (browser, n) -> Integer.parseInt(browser.get(n % 2 == 0 ? a : b, "/count")))) {
 *     browsers.runFor(100);
 *     // change something
 *     browsers.runFor(100);
 *     browsers.close();
 *     assertEquals(List.of(), browsers.problems(), "lost sessions or updates");
 * }
 * }</pre>
 */
public final class CountingBrowsers implements AutoCloseable {
    /** How long {@link #runFor} waits for its requests; far more than a busy machine needs for hundreds. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    /** One request of a browser. */
    @FunctionalInterface
    public interface Request<B extends Browser> {
        /** Sends the browser's {@code n}-th request (the first is 1) and returns the count it answered. */
        int count(B browser, int n) throws Exception;
    }

    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final ExecutorService pool;
    private final List<Future<?>> browsers = new ArrayList<>();
    private volatile boolean stop;
    private long answered;

    private CountingBrowsers(int count) {
        pool = Executors.newFixedThreadPool(count, runnable -> {
            Thread thread = new Thread(runnable, "counting-browser");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts {@code count} browsers, each made by {@code newBrowser}, each sending its requests through {@code request}. */
    public static <B extends Browser> CountingBrowsers start(int count, Supplier<B> newBrowser, Request<B> request) {
        CountingBrowsers started = new CountingBrowsers(count);
        for (int i = 0; i < count; i++) {
            started.browsers.add(started.pool.submit(() -> started.browse(newBrowser.get(), request)));
        }
        return started;
    }

    private <B extends Browser> void browse(B browser, Request<B> request) {
        for (int n = 1; !stop; n++) {
            int counted;
            try {
                counted = request.count(browser, n);
            } catch (Exception | AssertionError e) {
                problem("session " + browser.cookie() + ", request " + n + ": " + e);
                return;
            }
            if (counted != n) {
                problem("session " + browser.cookie() + " counted " + counted + " at request " + n);
                return;
            }
            synchronized (this) {
                answered++;
                notifyAll();
            }
        }
    }

    private synchronized void problem(String problem) {
        problems.add(problem);
        notifyAll();
    }

    /**
     * Blocks until the browsers together have had {@code requests} more requests answered right, or one of them met
     * a problem (the test's final look at {@link #problems()} names it).
     *
     * @throws AssertionError if that takes longer than {@link #PATIENCE}
     */
    public synchronized void runFor(long requests) throws InterruptedException {
        long target = answered + requests;
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (answered < target && problems.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("gave up after " + PATIENCE.toSeconds() + " s waiting for " + requests
                        + " more answered requests: " + (requests - (target - answered)) + " came");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** What went wrong, one line per browser that met a problem; empty if nothing did. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Stops every browser after its request in flight and waits (bounded) until each has. */
    @Override
    public void close() throws InterruptedException, ExecutionException, TimeoutException {
        stop = true;
        try {
            for (Future<?> browser : browsers) {
                browser.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
