package io.mcsessions.core;

/**
 * Session revisions: per session, every write carries a higher revision than the copy it replaces.
 *
 * <p>A revision is a hybrid of a counter and the clock: the next revision is above both the previous one and
 * the current time in microseconds. So each session's revisions only grow, and a session that is created
 * again under an id that was invalidated earlier (Jetty can reuse ids across contexts) starts above the
 * tombstone that the invalidation left.
 */
public final class Revisions {
    private Revisions() {
    }

    /** The revision to write after {@code previous} (0 for a new session). */
    public static long next(long previous) {
        return Math.max(previous + 1, System.currentTimeMillis() * 1000);
    }
}
