package io.mcsessions.jetty;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Map;

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

    /**
     * The same stored session with other attributes, in the format the store writes: what someone who can write to
     * memcached could plant under the session's key.
     */
    public static byte[] withAttributes(byte[] payload, Map<String, Object> attributes) throws IOException {
        SessionDataCodec.Header header = SessionDataCodec.readHeader(payload);
        MemcachedSessionData data = SessionDataCodec.newData(header, 1, header.accessed());
        attributes.forEach(data::setAttribute);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            AttributeWriter.write(data, out);
        }
        return SessionDataCodec.encode(data, bytes.toByteArray());
    }
}
