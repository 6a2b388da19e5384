package io.mcsessions.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A warning about a condition that can repeat on every request (an unreadable value, an oversized session):
 * logged at WARNING at most once per interval with the number of times it was suppressed, and at DEBUG
 * otherwise, so a bad value cannot flood the log. Used by core and by the adapters.
 */
public final class RateLimitedLog {
    private final System.Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextWarningNanos;
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(System.Logger log, long intervalMillis, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.nanoClock = nanoClock;
        this.nextWarningNanos = new AtomicLong(nanoClock.getAsLong());
    }

    public void warn(String message) {
        long now = nanoClock.getAsLong();
        long due = nextWarningNanos.get();
        if (now - due >= 0 && nextWarningNanos.compareAndSet(due, now + intervalNanos)) {
            long skipped = suppressed.getAndSet(0);
            log.log(System.Logger.Level.WARNING, skipped == 0 ? message
                    : message + " (" + skipped + " similar warnings were logged at DEBUG since the last one)");
        } else {
            suppressed.incrementAndGet();
            log.log(System.Logger.Level.DEBUG, message);
        }
    }
}
