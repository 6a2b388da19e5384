package io.mcsessions.core;

/**
 * What a load found. Tells <em>absent</em> (every asked replica answered and none holds a live copy) apart
 * from <em>unavailable</em> (no replica could say): in the second case a container keeps serving its local
 * copy of the session.
 */
public final class LoadResult {

    /** The three answers a load can give. */
    public enum Outcome {
        /** A live copy was found; {@link #record()} holds the newest. */
        FOUND,
        /** No live copy exists: never stored, expired, or invalidated. */
        ABSENT,
        /** No replica could answer, so whether the session exists is unknown. */
        UNAVAILABLE
    }

    private static final LoadResult ABSENT = new LoadResult(Outcome.ABSENT, null);
    private static final LoadResult UNAVAILABLE = new LoadResult(Outcome.UNAVAILABLE, null);

    private final Outcome outcome;
    private final SessionRecord record;

    private LoadResult(Outcome outcome, SessionRecord record) {
        this.outcome = outcome;
        this.record = record;
    }

    public static LoadResult found(SessionRecord record) {
        return new LoadResult(Outcome.FOUND, java.util.Objects.requireNonNull(record));
    }

    public static LoadResult absent() {
        return ABSENT;
    }

    public static LoadResult unavailable() {
        return UNAVAILABLE;
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean isFound() {
        return outcome == Outcome.FOUND;
    }

    public boolean isAbsent() {
        return outcome == Outcome.ABSENT;
    }

    public boolean isUnavailable() {
        return outcome == Outcome.UNAVAILABLE;
    }

    /** The newest copy when {@link #isFound()}, otherwise null. */
    public SessionRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return outcome == Outcome.FOUND ? "FOUND(" + record + ")" : outcome.name();
    }
}
