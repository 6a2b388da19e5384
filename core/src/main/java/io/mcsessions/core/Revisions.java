package io.mcsessions.core;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Session revisions: per session, every write carries a higher revision than the copy it replaces.
 *
 * <p>A revision is made of the clock, a sequence and the writer, in that order of significance:
 * <pre>
 *   bits 63..22  milliseconds since 2024-01-01 (about 69 years of room)
 *   bits 21..10  sequence: more than one revision in a millisecond, or above a revision from a faster clock
 *   bits  9..0   this JVM's writer tag, random at start
 * </pre>
 * The next revision is above both the previous one and the current time; so each session's revisions only grow,
 * and a session that is created again under an id that was invalidated earlier (Jetty can reuse ids across
 * contexts) starts above the tombstone that the invalidation left.
 *
 * <p>Revisions are unique: within a JVM every revision issued is higher than the one before it (two requests of
 * one session that end in the same millisecond get two revisions), and two JVMs differ in their writer tags
 * (unless they drew the same tag, 1 in 1024; then the envelope's tie-break on writer and content still orders
 * their copies the same way everywhere). Revisions of earlier versions (milliseconds times 1000) are lower than
 * every revision issued now, so an upgrade writes above them.
 */
public final class Revisions {
    /** 2024-01-01T00:00:00Z. */
    static final long EPOCH_MILLIS = 1_704_067_200_000L;
    static final int WRITER_BITS = 10;
    static final int SEQUENCE_BITS = 12;
    private static final long STEP = 1L << WRITER_BITS;
    private static final int WRITER = new SecureRandom().nextInt(1 << WRITER_BITS);
    /** The last revision this JVM issued. */
    private static final AtomicLong LAST = new AtomicLong();

    private Revisions() {
    }

    /** The revision to write after {@code previous} (0 for a new session). */
    public static long next(long previous) {
        return next(previous, System.currentTimeMillis());
    }

    /**
     * As {@link #next(long)}, with the clock read by the caller ({@code nowMillis}, epoch ms): for the store, whose
     * clock is injected. Still unique within this JVM, whatever clock each caller reads.
     */
    public static long next(long previous, long nowMillis) {
        long next = next(previous, WRITER, nowMillis);
        return LAST.accumulateAndGet(next, (last, candidate) -> Math.max(candidate, saturatedAdd(last, STEP)));
    }

    /**
     * The lowest revision of {@code writer} that is above {@code previous} and not below the clock at
     * {@code nowMillis}, without this JVM's uniqueness; for tests and for {@link #next(long, long)}.
     */
    static long next(long previous, int writer, long nowMillis) {
        long clock = (Math.max(0, nowMillis - EPOCH_MILLIS) << (SEQUENCE_BITS + WRITER_BITS)) | writer;
        long above = saturatedAdd(Math.floorDiv(previous, STEP) * STEP, STEP) | writer;
        return Math.max(clock, above);
    }

    private static long saturatedAdd(long value, long add) {
        return value > Long.MAX_VALUE - add ? Long.MAX_VALUE : value + add;
    }
}
