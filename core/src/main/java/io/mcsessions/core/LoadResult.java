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
        /** No live copy exists: never stored, expired, or ended ({@link #isEnded()}). */
        ABSENT,
        /** No replica could answer, so whether the session exists is unknown. */
        UNAVAILABLE
    }

    private static final LoadResult ABSENT = new LoadResult(Outcome.ABSENT, null, 0, false);
    private static final LoadResult UNAVAILABLE = new LoadResult(Outcome.UNAVAILABLE, null, 0, false);

    private final Outcome outcome;
    private final SessionRecord record;
    private final long endedAtRevision;
    private final boolean signed;

    private LoadResult(Outcome outcome, SessionRecord record, long endedAtRevision, boolean signed) {
        this.outcome = outcome;
        this.record = record;
        this.endedAtRevision = endedAtRevision;
        this.signed = signed;
    }

    /** A copy read from a value that was not signed (or not checked): anyone who can write to memcached made it. */
    public static LoadResult found(SessionRecord record) {
        return found(record, false);
    }

    /** A copy; {@code signed} when its value carried a valid signature under one of the {@code signingKeys}. */
    public static LoadResult found(SessionRecord record, boolean signed) {
        return new LoadResult(Outcome.FOUND, java.util.Objects.requireNonNull(record), 0, signed);
    }

    /** No copy at all: never stored, or expired. */
    public static LoadResult absent() {
        return ABSENT;
    }

    /** The newest copy is a tombstone of this revision: the session was ended (invalidated or rotated). */
    public static LoadResult ended(long tombstoneRevision) {
        return new LoadResult(Outcome.ABSENT, null, tombstoneRevision, false);
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

    /**
     * Whether the session was ended (its newest copy is a tombstone), as opposed to never stored or expired: an
     * instance's local copy of an ended session must not serve again, nor be written back.
     */
    public boolean isEnded() {
        return endedAtRevision > 0;
    }

    /** The revision of the tombstone when {@link #isEnded()}, otherwise 0. */
    public long endedAtRevision() {
        return endedAtRevision;
    }

    /**
     * Whether the copy found carried a valid signature (the store has {@code signingKeys}, and then accepts no
     * other): only this instance's peers can have written it. False when values are not signed, and when nothing
     * was found. Trust decisions about what a session holds (a login) belong on this.
     */
    public boolean signed() {
        return signed;
    }

    /** The newest copy when {@link #isFound()}, otherwise null. */
    public SessionRecord record() {
        return record;
    }

    @Override
    public String toString() {
        return outcome == Outcome.FOUND ? "FOUND(" + record + (signed ? ", signed" : "") + ")"
                : isEnded() ? "ABSENT(ended)" : outcome.name();
    }
}
