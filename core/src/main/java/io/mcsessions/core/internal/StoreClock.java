package io.mcsessions.core.internal;

import java.util.function.LongSupplier;

/**
 * Where core reads time: wall-clock milliseconds for what is stored or shown (envelope and tombstone timestamps,
 * revisions, memcached expirations, event and health times), and a monotonic nano clock for intervals and
 * deadlines. Injected, so that tests advance time instead of sleeping.
 *
 * <p>A store takes its clock from its {@link NodeRegistry}: node health and the store's placement compare each
 * other's nano times ({@link NodeHealth#upContinuouslySince}), so the two must read one clock.
 */
public final class StoreClock {
    /** The system's clocks: {@link System#currentTimeMillis()} and {@link System#nanoTime()}. */
    public static final StoreClock SYSTEM = new StoreClock(System::currentTimeMillis, System::nanoTime);

    private final LongSupplier wallMillis;
    private final LongSupplier nanos;

    public StoreClock(LongSupplier wallMillis, LongSupplier nanos) {
        this.wallMillis = wallMillis;
        this.nanos = nanos;
    }

    /** Milliseconds since the epoch, as {@link System#currentTimeMillis()}. */
    public long wallMillis() {
        return wallMillis.getAsLong();
    }

    /** A monotonic time in nanoseconds, only for differences, as {@link System#nanoTime()}. */
    public long nanos() {
        return nanos.getAsLong();
    }
}
