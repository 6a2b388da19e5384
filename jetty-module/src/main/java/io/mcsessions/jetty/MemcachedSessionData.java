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
    private volatile long writtenAt;
    private volatile long writtenMaxInactiveMs;

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

    /** Records that this instance wrote the data at {@code when} (epoch ms). */
    void written(long when) {
        this.writtenAt = when;
        this.writtenMaxInactiveMs = getMaxInactiveMs();
    }

    /**
     * Whether a store may be skipped: nothing but the access time changed since this instance wrote the data less
     * than {@code windowMs} ago. That write already reset the copies' expiry; writing again only to move the
     * access time by a few milliseconds doubles the traffic of every request (Jetty stores once when the response
     * commits and once more when the request completes).
     */
    boolean onlyTouchedSince(long now, long windowMs) {
        return !isDirty() && writtenAt > 0 && now - writtenAt < windowMs
                && writtenMaxInactiveMs == getMaxInactiveMs();
    }
}
