package io.mcsessions.jetty;

import org.eclipse.jetty.session.SessionData;

/**
 * Jetty's session data plus the revision of the copy it was loaded from or last written as. Every write of the
 * session carries a higher revision than the one it replaces, so the newest copy wins on every replica and a
 * memcached node that comes back with old data is never believed.
 */
final class MemcachedSessionData extends SessionData {
    private static final long serialVersionUID = 1L;

    private volatile long revision;
    private volatile long propagatedAccess;
    private volatile long storedMaxInactiveMs = Long.MIN_VALUE;

    MemcachedSessionData(String id, String contextPath, String vhost, long created, long accessed,
                         long lastAccessed, long maxInactiveMs) {
        super(id, contextPath, vhost, created, accessed, lastAccessed, maxInactiveMs);
    }

    /** The revision this data was loaded from or last written as; 0 for a session never written. */
    long revision() {
        return revision;
    }

    void revision(long revision) {
        this.revision = revision;
    }

    /** memcached holds this data as written (or loaded) with this access time and timeout. */
    void stored(long accessed, long maxInactiveMs) {
        this.propagatedAccess = Math.max(propagatedAccess, accessed);
        this.storedMaxInactiveMs = maxInactiveMs;
    }

    /** The last access memcached's copy carries, as far as this instance knows. */
    long propagatedAccess() {
        return propagatedAccess;
    }

    /**
     * Whether only the access time changed since memcached got this data: Jetty asks to store a session after
     * every request (once when the response commits, once when the request completes), but a session that was
     * only read needs no write; its expiry moves on lazily (see {@code ReplicatedSessionStore.accessed}).
     */
    boolean accessOnly() {
        return !isDirty() && revision > 0 && storedMaxInactiveMs == getMaxInactiveMs();
    }
}
