package io.mcsessions.core.internal;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Fails operations that outlive their timeout, on one daemon thread of the store's own.
 *
 * <p>Why not {@code CompletableFuture.orTimeout}: it schedules a task on the JDK's single shared timer for every
 * operation and cancels it on every answer, a contended heap update twice per memcached operation; and whatever
 * else in the JVM uses that timer can hold up our timeouts. Here every timeout value has a first-in-first-out
 * queue, so the oldest operation is always at its head: registering is one lock-free append, an answer costs
 * nothing, and the timer thread only looks at heads. It sleeps until the earliest deadline at a head, and at most
 * {@value #MAX_PARK_MILLIS} ms (an operation with a shorter timeout than all before it is noticed that late at
 * worst): ticking every few milliseconds showed as 8% of a busy server's samples.
 *
 * <p>A timeout that falls due across a stall of this JVM (a stop-the-world collection, a paused virtual machine)
 * does not fire: the answer may be sitting unread in a socket, or the node was paused along with us and answers
 * as soon as it runs again. The operation gets one more timeout from the moment the stall is noticed, up to
 * {@value #MAX_EXTENSIONS} times; without that, a one-second pause of the machine failed every read in flight,
 * and a non-sticky container then served its own, older copy of those sessions.
 */
public final class OperationTimeouts {

    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.OperationTimeouts");
    static final long MAX_PARK_MILLIS = 50;
    private static final long MAX_PARK_NANOS = MAX_PARK_MILLIS * 1_000_000L;
    private static final long IDLE_PARK_NANOS = 1_000_000_000L;
    /** How many more timeouts an operation gets for stalls of this JVM while it waited. */
    static final int MAX_EXTENSIONS = 2;
    private static final OperationTimeouts SHARED = new OperationTimeouts(StallMonitor.JVM::stalledSince);

    /** One operation's current waiting window: from {@code since} to {@code deadline}. */
    private record Entry(long since, long deadline, int extensions, CompletableFuture<?> future) {
    }

    private final Map<Long, Queue<Entry>> queues = new ConcurrentHashMap<>();
    private final NodeHealth.StallDetector stalls;
    private final Thread timer;
    private volatile boolean idle;

    OperationTimeouts(NodeHealth.StallDetector stalls) {
        this.stalls = stalls;
        timer = CoreThreads.daemon("mcsessions-operation-timeouts").newThread(this::run);
        timer.start();
    }

    /** The one instance of this JVM (per class loader of the store). */
    public static OperationTimeouts shared() {
        return SHARED;
    }

    /**
     * Completes {@code future} with a {@link TimeoutException} if it is not done within {@code timeoutMillis}.
     *
     * @return {@code future} itself
     */
    public <T> CompletableFuture<T> within(CompletableFuture<T> future, long timeoutMillis) {
        if (future.isDone()) {
            return future;
        }
        long timeoutNanos = Math.max(1, timeoutMillis) * 1_000_000L;
        Queue<Entry> queue = queues.computeIfAbsent(timeoutNanos, t -> new ConcurrentLinkedQueue<>());
        long now = System.nanoTime();
        queue.offer(new Entry(now, now + timeoutNanos, 0, future));
        if (idle) {
            idle = false;
            LockSupport.unpark(timer);
        }
        return future;
    }

    private void run() {
        while (true) {
            boolean pending = false;
            long now = System.nanoTime();
            long wakeAt = now + MAX_PARK_NANOS;
            for (Map.Entry<Long, Queue<Entry>> timeout : queues.entrySet()) {
                Queue<Entry> queue = timeout.getValue();
                for (Entry head = queue.peek(); head != null; head = queue.peek()) {
                    if (head.future().isDone()) {
                        queue.poll();
                    } else if (now - head.deadline() >= 0) {
                        queue.poll();
                        if (head.extensions() < MAX_EXTENSIONS && stalls.stalledSince(head.since(), now)) {
                            // Later than every deadline already queued, so the queue stays in deadline order.
                            queue.offer(new Entry(now, now + timeout.getKey(), head.extensions() + 1, head.future()));
                        } else {
                            expire(head.future());
                        }
                    } else {
                        pending = true;
                        if (head.deadline() - wakeAt < 0) {
                            wakeAt = head.deadline();
                        }
                        break;
                    }
                }
            }
            if (pending) {
                LockSupport.parkNanos(this, Math.max(0, wakeAt - System.nanoTime()));
            } else {
                idle = true;
                // An operation registered between the scan and this flag unparks us, or waits one idle period at
                // most before the next scan; the long park only bounds that race.
                if (queues.values().stream().allMatch(Queue::isEmpty)) {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                }
                idle = false;
            }
        }
    }

    private static void expire(CompletableFuture<?> future) {
        try {
            future.completeExceptionally(new TimeoutException("no answer within the operation timeout"));
        } catch (RuntimeException | StackOverflowError e) {
            // A dependent stage that throws must not stop the timer for every other operation.
            LOG.log(System.Logger.Level.DEBUG, "a stage after an operation timeout failed", e);
        }
    }
}
