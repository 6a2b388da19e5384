package io.mcsessions.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The Java load generator: closed-loop HTTP load from the runner's own JVM. {@code connections} keep-alive
 * connections, one thread each, send one request after the other, each for a session picked at random from
 * {@code sessionIds} (created beforehand, the same ones wrk is given) and, with the mix's write share, on the writing
 * or the reading path. Requests that start during the warm-up are not recorded. With no session ids every request
 * carries no cookie, so every request creates a session (the heap run).
 */
final class LoadGenerator {

    /** What to load. {@code maxRequests} ends the run early once that many requests were sent (0: no limit). */
    record Settings(String host, int port, String cookieName, List<String> sessionIds, Mix mix, int connections,
                    Duration warmup, Duration measured, long maxRequests) {
    }

    /** Something done to the system under load at a moment of the measured part (e.g. pausing a node). */
    record TimedAction(Duration at, String label, Runnable action) {
    }

    /** Called by the runner's main thread when the measured part starts and when it ends (not a load thread). */
    interface Window {
        void open();

        void close();

        Window NONE = new Window() {
            @Override
            public void open() {
            }

            @Override
            public void close() {
            }
        };
    }

    private final Settings settings;

    LoadGenerator(Settings settings) {
        this.settings = settings;
    }

    Measurement run(List<TimedAction> actions, Window window) throws InterruptedException {
        AtomicReferenceArray<String> sessionIds = new AtomicReferenceArray<>(
                settings.sessionIds().toArray(String[]::new));
        int connections = settings.connections();
        Worker[] workers = new Worker[connections];
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        long measureStart = System.nanoTime() + settings.warmup().toNanos();
        long measureEnd = measureStart + settings.measured().toNanos();
        CountDownLatch done = new CountDownLatch(connections);
        Thread[] threads = new Thread[connections];
        for (int i = 0; i < connections; i++) {
            Worker worker = new Worker(sessionIds, measureStart, measureEnd, sent, firstError, done);
            workers[i] = worker;
            threads[i] = new Thread(worker, "load-" + i);
            threads[i].start();
        }
        List<TimedAction> due = new ArrayList<>(actions);
        due.add(new TimedAction(Duration.ZERO, null, window::open));
        due.add(new TimedAction(settings.measured(), null, window::close));
        due.sort(Comparator.comparing(TimedAction::at));
        List<Measurement.Event> events = new ArrayList<>();
        for (TimedAction action : due) {
            long at = measureStart + action.at().toNanos();
            long wait;
            // A run capped by maxRequests ends early; the window still closes, at once.
            while ((wait = at - System.nanoTime()) > 0 && done.getCount() > 0) {
                Thread.sleep(Math.max(1, Math.min(wait / 1_000_000, 50)));
            }
            long offset = System.nanoTime() - measureStart;
            action.action().run();
            if (action.label() != null) {
                events.add(new Measurement.Event(offset / 1_000, action.label()));
            }
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Duration measured = settings.maxRequests() > 0
                ? Duration.ofNanos(Math.min(settings.measured().toNanos(), lastEnd(workers) - measureStart))
                : settings.measured();
        return Measurement.of(workers, measured, events, firstError.get());
    }

    private static long lastEnd(Worker[] workers) {
        long last = 0;
        for (Worker worker : workers) {
            last = Math.max(last, worker.stoppedAt);
        }
        return last;
    }

    /** One connection's loop and what it recorded. */
    final class Worker implements Runnable {
        private final AtomicReferenceArray<String> sessionIds;
        private final long measureStart;
        private final long measureEnd;
        private final AtomicLong sent;
        private final AtomicReference<String> firstError;
        private final CountDownLatch done;
        long[] startMicros = new long[1 << 16];
        int[] latencyMicros = new int[1 << 16];
        int recorded;
        long errors;
        long lostSessions;
        long stoppedAt;

        Worker(AtomicReferenceArray<String> sessionIds, long measureStart, long measureEnd, AtomicLong sent,
               AtomicReference<String> firstError, CountDownLatch done) {
            this.sessionIds = sessionIds;
            this.measureStart = measureStart;
            this.measureEnd = measureEnd;
            this.sent = sent;
            this.firstError = firstError;
            this.done = done;
        }

        @Override
        public void run() {
            try (HttpConnection connection = new HttpConnection(settings.host(), settings.port(),
                    settings.cookieName())) {
                load(connection);
            } finally {
                stoppedAt = System.nanoTime();
                done.countDown();
            }
        }

        private void load(HttpConnection connection) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int sessions = sessionIds.length();
            double writeShare = settings.mix().writeShare();
            long limit = settings.maxRequests() > 0 ? settings.maxRequests() : Long.MAX_VALUE;
            long started;
            while ((started = System.nanoTime()) < measureEnd && sent.incrementAndGet() <= limit) {
                int slot = sessions == 0 ? -1 : random.nextInt(sessions);
                String sessionId = slot < 0 ? null : sessionIds.get(slot);
                String path = writeShare >= 1.0 || random.nextDouble() < writeShare ? Mix.WRITE_PATH : Mix.READ_PATH;
                boolean measured = started >= measureStart;
                boolean failed = false;
                try {
                    HttpConnection.Response response = connection.get(path, sessionId);
                    if (response.status() != 200) {
                        failed = true;
                        if (measured) {
                            error("status " + response.status());
                        }
                    }
                    // As a browser would: a session the server replaced is used from then on.
                    if (slot >= 0 && response.setCookie() != null && !response.setCookie().equals(sessionId)) {
                        sessionIds.compareAndSet(slot, sessionId, response.setCookie());
                    }
                    // A write to a session that existed returns 2 or more; a read may rightly return 1.
                    if (measured && path == Mix.WRITE_PATH && response.counter() == 1 && sessionId != null) {
                        lostSessions++;
                    }
                } catch (IOException e) {
                    failed = true;
                    if (measured) {
                        error(e.toString());
                    }
                }
                if (measured) {
                    record(started - measureStart, System.nanoTime() - started);
                    if (failed) {
                        errors++;
                    }
                }
            }
        }

        private void record(long startNanos, long latencyNanos) {
            if (recorded == latencyMicros.length) {
                startMicros = java.util.Arrays.copyOf(startMicros, recorded * 2);
                latencyMicros = java.util.Arrays.copyOf(latencyMicros, recorded * 2);
            }
            startMicros[recorded] = startNanos / 1_000;
            latencyMicros[recorded] = (int) Math.min(Integer.MAX_VALUE, latencyNanos / 1_000);
            recorded++;
        }

        private void error(String message) {
            firstError.compareAndSet(null, message);
        }
    }
}
