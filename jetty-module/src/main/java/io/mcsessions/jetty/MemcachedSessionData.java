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
}
