package io.mcsessions.tomcat;

import io.mcsessions.core.SessionRecord;
import java.security.Principal;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.catalina.Manager;
import org.apache.catalina.session.StandardSession;

/**
 * A Tomcat session that remembers what memcached holds of it: the revision it was loaded or last written
 * with, and a digest of the payload written then, so the end of a request can tell a changed session (write
 * it) from one that was only read (refresh its expiry).
 *
 * <p>The bookkeeping is guarded by the session's monitor: two requests of one session can end at once.
 */
final class MemcachedSession extends StandardSession {
    private static final long serialVersionUID = 1L;

    /** The revision memcached holds (or was last sent); 0 for a session never written. */
    private long revision;
    /** Digest of the payload as last loaded or written; null for a session never written. */
    private byte[] storedDigest;
    /** The local copy is newer than memcached: the last write reached no replica, or was too large. */
    private boolean unsynced;
    /** The local copy was served while memcached could not answer; cleared by the next successful write. */
    private boolean servedDegraded;
    /** Coalesced asynchronous writes: idle, one write in flight, or in flight with a newer change waiting. */
    private int writing;
    /** The last access memcached's copy carries as far as this Tomcat knows (loaded with it, or wrote it). */
    private long propagatedAccess;
    /** The timeout memcached's copy carries (it is in the header, not in the payload's digest). */
    private int storedMaxInactive;

    MemcachedSession(Manager manager) {
        super(manager);
    }

    /** Restores a copy loaded from memcached; marks it accessed now, since memcached's expiry is the authority. */
    void restore(SessionRecord record, SessionPayload payload) {
        long now = System.currentTimeMillis();
        this.creationTime = record.creationTime();
        this.lastAccessedTime = Math.max(record.lastAccessedTime(), record.creationTime());
        this.thisAccessedTime = now;
        this.maxInactiveInterval = record.maxInactiveSeconds();
        this.isNew = false;
        this.isValid = true;
        this.authType = payload.authType();
        this.principal = payload.principal();
        for (Map.Entry<String, Object> attribute : payload.attributes().entrySet()) {
            if (attribute.getValue() != null) {
                this.attributes.put(attribute.getKey(), attribute.getValue());
            }
        }
        synchronized (this) {
            this.revision = record.revision();
            this.unsynced = false;
            this.servedDegraded = false;
            this.propagatedAccess = record.lastAccessedTime();
            this.storedMaxInactive = record.maxInactiveSeconds();
        }
    }

    /** The digest of the payload as encoded here right after loading (another JVM may order bytes differently). */
    synchronized void loadedDigest(byte[] digest) {
        this.storedDigest = digest;
    }

    /** Marks the session as used now without firing events, for a local copy that memcached confirmed. */
    void confirmedByStore() {
        this.thisAccessedTime = System.currentTimeMillis();
    }

    /**
     * A copy of the attributes in name order, taken without touching the live session; the fixed order makes
     * the serialized bytes, and so their digest, the same for the same contents.
     */
    Map<String, Object> attributeSnapshot() {
        return new TreeMap<>(attributes);
    }

    String authTypeInternal() {
        return authType;
    }

    Principal principalInternal() {
        return principal;
    }

    long maxInactiveMillis() {
        return maxInactiveInterval * 1000L;
    }

    /** Whether the session has been idle longer than its timeout, judged by this container's clock alone. */
    boolean idleBeyondTimeout(long now) {
        return idleBeyond(now, 0);
    }

    /** Whether no request used the session for {@code millis} (by this container's clock). */
    boolean idleFor(long now, long millis) {
        return now - thisAccessedTime >= millis;
    }

    /** Whether the session has been idle longer than its timeout plus {@code slackMillis}. */
    boolean idleBeyond(long now, long slackMillis) {
        return maxInactiveInterval > 0 && now - thisAccessedTime >= maxInactiveMillis() + slackMillis;
    }

    /** Whether a request is using the session right now (only known when Tomcat counts accesses). */
    boolean inUse() {
        return accessCount != null && accessCount.get() > 0;
    }

    /** Valid and not being expired, read without the expiry check of {@link #isValid()}. */
    boolean isValidInternalState() {
        return isValid && !expiring;
    }

    /** Drops this local copy without events: memcached says the session ended or lives on elsewhere. */
    void discard() {
        isValid = false;
    }

    synchronized long revision() {
        return revision;
    }

    synchronized boolean isUnsynced() {
        return unsynced;
    }

    synchronized boolean isStored() {
        return revision > 0;
    }

    /** Whether the payload or timeout differs from what memcached holds, or memcached missed the last write. */
    synchronized boolean needsWrite(byte[] digest) {
        return unsynced || storedDigest == null || !Arrays.equals(storedDigest, digest)
                || storedMaxInactive != maxInactiveInterval;
    }

    /**
     * Records the outcome of a write of {@code writtenRevision}, made with {@code accessedAt} and {@code maxInactive};
     * {@code reached} is false when no replica took it.
     */
    synchronized void written(long writtenRevision, byte[] digest, boolean reached, long accessedAt,
                              int maxInactive) {
        if (writtenRevision >= revision) {
            revision = writtenRevision;
            storedDigest = digest;
            unsynced = !reached;
            servedDegraded = servedDegraded && !reached;
            if (reached) {
                propagatedAccess = Math.max(propagatedAccess, accessedAt);
                storedMaxInactive = maxInactive;
            }
        }
    }

    synchronized long propagatedAccess() {
        return propagatedAccess;
    }

    /** memcached turned out to hold no copy (a node restarted): the next request writes the session in full. */
    synchronized void lostInMemcached() {
        unsynced = true;
    }

    /** The local copy was served while no replica answered. */
    synchronized void markServedDegraded() {
        servedDegraded = true;
    }

    synchronized boolean wasServedDegraded() {
        return servedDegraded;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    /**
     * Starts a coalesced write: true when none is in flight (the caller writes now); false when one is, and the
     * newest state is then written once it is done.
     */
    synchronized boolean startWriting() {
        if (writing == 0) {
            writing = 1;
            return true;
        }
        writing = 2;
        return false;
    }

    /** Ends a coalesced write: true when a change came meanwhile and the caller must write again (still in flight). */
    synchronized boolean finishWriting() {
        if (writing == 2) {
            writing = 1;
            return true;
        }
        writing = 0;
        return false;
    }

    /** Ends a coalesced write that failed unexpectedly, so that the next request writes again. */
    synchronized void abandonWriting() {
        writing = 0;
    }
}
