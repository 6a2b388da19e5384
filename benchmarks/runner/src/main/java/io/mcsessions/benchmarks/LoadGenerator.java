package io.mcsessions.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Closed-loop HTTP load: {@code connections} keep-alive connections, each sending one request after the other,
 * each request for a session picked at random from {@code sessions} that were created first. Requests that start
 * during the warm-up are not recorded.
 */
final class LoadGenerator {

    /** What to load. */
    record Settings(String host, int port, String path, String cookieName, int sessions, int connections,
                    Duration warmup, Duration measured) {
    }

    /** Something done to the system under load at a moment of the measured part (e.g. pausing a node). */
    record TimedAction(Duration at, String label, Runnable action) {
    }

    private final Settings settings;

    LoadGenerator(Settings settings) {
        this.settings = settings;
    }

    Measurement run(List<TimedAction> actions) throws InterruptedException {
        AtomicReferenceArray<String> sessionIds = new AtomicReferenceArray<>(settings.sessions());
        int connections = settings.connections();
        Worker[] workers = new Worker[connections];
        CountDownLatch created = new CountDownLatch(connections);
        AtomicReference<String> firstError = new AtomicReference<>();
        long[] clock = new long[2]; // measure start and end, set once every session exists
        Object clockLock = new Object();
        Thread[] threads = new Thread[connections];
        for (int i = 0; i < connections; i++) {
            Worker worker = new Worker(i, sessionIds, created, clock, clockLock, firstError);
            workers[i] = worker;
            threads[i] = new Thread(worker, "load-" + i);
            threads[i].start();
        }
        created.await();
        long measureStart;
        synchronized (clockLock) {
            measureStart = System.nanoTime() + settings.warmup().toNanos();
            clock[0] = measureStart;
            clock[1] = measureStart + settings.measured().toNanos();
            clockLock.notifyAll();
        }
        List<Measurement.Event> events = new ArrayList<>();
        for (TimedAction action : actions) {
            long due = measureStart + action.at().toNanos();
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                Thread.sleep(Math.max(1, wait / 1_000_000));
            }
            long at = System.nanoTime() - measureStart;
            action.action().run();
            events.add(new Measurement.Event(at / 1_000, action.label()));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return Measurement.of(workers, settings.measured(), events, firstError.get());
    }

    /** One connection's loop and what it recorded. */
    final class Worker implements Runnable {
        private final int index;
        private final AtomicReferenceArray<String> sessionIds;
        private final CountDownLatch created;
        private final long[] clock;
        private final Object clockLock;
        private final AtomicReference<String> firstError;
        long[] startMicros = new long[1 << 16];
        int[] latencyMicros = new int[1 << 16];
        int recorded;
        long errors;
        long lostSessions;
        long creationFailures;

        Worker(int index, AtomicReferenceArray<String> sessionIds, CountDownLatch created, long[] clock,
               Object clockLock, AtomicReference<String> firstError) {
            this.index = index;
            this.sessionIds = sessionIds;
            this.created = created;
            this.clock = clock;
            this.clockLock = clockLock;
            this.firstError = firstError;
        }

        @Override
        public void run() {
            try (HttpConnection connection = new HttpConnection(settings.host(), settings.port(), settings.path(),
                    settings.cookieName())) {
                createSessions(connection);
                created.countDown();
                long start;
                long end;
                synchronized (clockLock) {
                    while (clock[1] == 0) {
                        clockLock.wait();
                    }
                    start = clock[0];
                    end = clock[1];
                }
                load(connection, start, end);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void createSessions(HttpConnection connection) {
            for (int slot = index; slot < settings.sessions(); slot += settings.connections()) {
                try {
                    HttpConnection.Response response = connection.get(null);
                    if (response.status() == 200 && response.setCookie() != null) {
                        sessionIds.set(slot, response.setCookie());
                    } else {
                        creationFailures++;
                        error("creating a session got status " + response.status() + ", cookie "
                                + response.setCookie());
                    }
                } catch (IOException e) {
                    creationFailures++;
                    error("creating a session failed: " + e);
                }
            }
        }

        private void load(HttpConnection connection, long measureStart, long measureEnd) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long started;
            while ((started = System.nanoTime()) < measureEnd) {
                int slot = random.nextInt(settings.sessions());
                String sessionId = sessionIds.get(slot);
                boolean measured = started >= measureStart;
                boolean failed = false;
                try {
                    HttpConnection.Response response = connection.get(sessionId);
                    if (response.status() != 200) {
                        failed = true;
                        if (measured) {
                            error("status " + response.status());
                        }
                    }
                    if (response.setCookie() != null && !response.setCookie().equals(sessionId)) {
                        sessionIds.compareAndSet(slot, sessionId, response.setCookie());
                    }
                    if (measured && response.counter() == 1 && sessionId != null) {
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
