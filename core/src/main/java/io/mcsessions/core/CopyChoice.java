package io.mcsessions.core;

/**
 * Which copy of a session serves a request: the one core loaded from memcached (the newest over every replica
 * that answered) or the one this instance holds. Both adapters decide with this class, so that Tomcat and Jetty
 * agree on what "newest" means.
 *
 * <p>The rules, in the order they apply:
 * <ul>
 * <li>No replica answered ({@link LoadResult.Outcome#UNAVAILABLE}): the local copy, if there is one (degraded
 *     mode).</li>
 * <li>memcached holds a copy: the higher revision wins, whichever side holds it. A local copy above memcached's
 *     means the replicas that took it lost it (a restart, an eviction) while an older replica remained: serving
 *     memcached's would undo the requests in between, and not writing the local copy again would leave the other
 *     instances serving the older one ({@link Choice#LOCAL_NEWER}). At equal revisions either copy is the session
 *     ({@link Choice#SAME}).</li>
 * <li>memcached holds none: a local copy that a replica acknowledged is gone with it (it timed out there, or
 *     memcached lost it); one that no replica took yet is the session, unless it ended. Which tombstones end it
 *     is the one rule that differs between the containers: Tomcat never gives an ended id to a new session, so
 *     any tombstone ends the copy, as write-back never writes over one; Jetty can create a session again under an
 *     id that was invalidated ({@code idsReused}), so only a tombstone at or above the copy's revision ends it.</li>
 * </ul>
 */
public final class CopyChoice {
    /** The copy that serves. */
    public enum Choice {
        /** memcached's copy: newer than this instance's, or this instance has none. */
        STORED,
        /** Both hold the same revision: either is the session. */
        SAME,
        /** This instance's copy: no replica answered (degraded mode), or none has taken it yet. */
        LOCAL,
        /**
         * This instance's copy, newer than the one memcached holds: it serves, and the end of the request writes it
         * again (with a new revision), even if the request only read it.
         */
        LOCAL_NEWER,
        /** No session: memcached holds no live copy, and this instance's copy (if any) must not serve. */
        NONE
    }

    private final boolean idsReused;

    private CopyChoice(boolean idsReused) {
        this.idsReused = idsReused;
    }

    /** Tomcat's rules: a new session never gets an id that was ended, so any tombstone ends the local copy. */
    public static CopyChoice idsNeverReused() {
        return new CopyChoice(false);
    }

    /** Jetty's rules: an id can be used again after it was ended, so only a tombstone at or above a copy ends it. */
    public static CopyChoice idsReused() {
        return new CopyChoice(true);
    }

    /** The choice when this instance holds no copy of the session. */
    public Choice withoutLocalCopy(LoadResult stored) {
        return stored.isFound() ? Choice.STORED : Choice.NONE;
    }

    /**
     * The choice between {@code stored} and this instance's copy.
     *
     * @param localRevision     the local copy's revision
     * @param localAcknowledged whether a replica took the local copy (or it was loaded from one)
     */
    public Choice choose(LoadResult stored, long localRevision, boolean localAcknowledged) {
        switch (stored.outcome()) {
            case UNAVAILABLE:
                return Choice.LOCAL;
            case FOUND:
                long storedRevision = stored.record().revision();
                return localRevision > storedRevision ? Choice.LOCAL_NEWER
                        : localRevision == storedRevision ? Choice.SAME : Choice.STORED;
            default:
                if (localAcknowledged) {
                    return Choice.NONE;
                }
                if (stored.isEnded() && (!idsReused || stored.endedAtRevision() >= localRevision)) {
                    return Choice.NONE;
                }
                return Choice.LOCAL;
        }
    }
}
