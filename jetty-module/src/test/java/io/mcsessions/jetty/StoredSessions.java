package io.mcsessions.jetty;

import java.io.IOException;

/** Reads what the store wrote, for tests in other packages (the payload format is package-private). */
public final class StoredSessions {
    private StoredSessions() {
    }

    /** A stored session's metadata. */
    public record Metadata(String id, String contextPath, String vhost, String lastNode, long created, long accessed,
                           long lastAccessed, long cookieSet, long expiry, long maxInactiveMs, long lastSaved,
                           int attributesLength) {
    }

    public static Metadata read(byte[] payload) throws IOException {
        SessionDataCodec.Header h = SessionDataCodec.readHeader(payload);
        return new Metadata(h.id(), h.contextPath(), h.vhost(), h.lastNode(), h.created(), h.accessed(),
                h.lastAccessed(), h.cookieSet(), h.expiry(), h.maxInactiveMs(), h.lastSaved(), h.attributesLength());
    }
}
