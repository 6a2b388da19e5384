package io.mcsessions.core.internal;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The stored form of a session: a header, then the container's serialized session.
 *
 * <pre>
 * offset size  field
 *   0     2    magic 'M' 'C'
 *   2     1    format version (1)
 *   3     1    flags: bit 0 tombstone, bit 1 compressed (reserved), bit 2 signed (HMAC-SHA256)
 *   4     8    revision
 *  12     8    saved at, epoch ms (orders copies of equal revision, see isNewerThan)
 *  20     8    created, epoch ms
 *  28     8    last accessed, epoch ms
 *  36     4    max inactive, seconds
 *  40     1    writer length W, then W bytes UTF-8
 *   .     1    MAC length M (0 when unsigned), then M bytes
 *   .     4    payload length P, then P bytes; nothing may follow
 * </pre>
 *
 * Anything that does not parse exactly is {@link MalformedEnvelopeException}: the store treats it as a miss
 * with a warning, never as an error of the request.
 */
public record SessionEnvelope(int flags, long revision, long savedAt, long creationTime, long lastAccessedTime,
                              int maxInactiveSeconds, String writer, byte[] mac, byte[] payload) {

    public static final int FORMAT_VERSION = 1;
    public static final int FLAG_TOMBSTONE = 1;
    public static final int FLAG_SIGNED = 4;
    private static final byte MAGIC_0 = 'M';
    private static final byte MAGIC_1 = 'C';
    private static final int KNOWN_FLAGS = 0b111;
    private static final int MAX_WRITER_BYTES = 255;
    private static final byte[] NO_BYTES = new byte[0];

    /** A value that is not an envelope of ours, or a damaged one. */
    public static final class MalformedEnvelopeException extends Exception {
        MalformedEnvelopeException(String message) {
            super(message, null, false, false);
        }
    }

    public static SessionEnvelope session(long revision, long savedAt, long created, long lastAccessed,
                                          int maxInactiveSeconds, String writer, byte[] payload) {
        return new SessionEnvelope(0, revision, savedAt, created, lastAccessed, maxInactiveSeconds, writer,
                NO_BYTES, payload);
    }

    public static SessionEnvelope tombstone(long revision, long savedAt, int ttlSeconds, String writer) {
        return new SessionEnvelope(FLAG_TOMBSTONE, revision, savedAt, savedAt, savedAt, ttlSeconds, writer,
                NO_BYTES, NO_BYTES);
    }

    public boolean isTombstone() {
        return (flags & FLAG_TOMBSTONE) != 0;
    }

    public boolean isSigned() {
        return (flags & FLAG_SIGNED) != 0;
    }

    /**
     * When the copy stops being the session, epoch milliseconds: its last access plus its max inactive interval (a
     * tombstone: when it was written plus its life); {@link Long#MAX_VALUE} for one that never expires. Inside the
     * signed bytes, so a copy set back on a node later (a replay) is ignored once this has passed, whatever expiry
     * the node gave it.
     */
    public long expiresAt() {
        if (maxInactiveSeconds <= 0) {
            return Long.MAX_VALUE;
        }
        return (isTombstone() ? savedAt : lastAccessedTime) + maxInactiveSeconds * 1000L;
    }

    /** This copy as used again at {@code accessedAt}: the same revision and payload, a later access, saved now. */
    SessionEnvelope accessedAt(long accessedAt, long now) {
        return new SessionEnvelope(flags & ~FLAG_SIGNED, revision, now, creationTime,
                Math.max(lastAccessedTime, accessedAt), maxInactiveSeconds, writer, NO_BYTES, payload);
    }

    /** The same envelope marked signed and carrying {@code newMac}. */
    SessionEnvelope withMac(byte[] newMac) {
        return new SessionEnvelope(flags | FLAG_SIGNED, revision, savedAt, creationTime, lastAccessedTime,
                maxInactiveSeconds, writer, newMac, payload);
    }

    /** Where the MAC starts in an encoded value: after the fixed header, the writer and the MAC length byte. */
    static int macOffset(byte[] encoded) {
        return 41 + (encoded[40] & 0xff) + 1;
    }

    /**
     * Whether this copy is newer than {@code other}: a higher revision; at equal revisions (two writers that should
     * not, but did, write the same revision) a deterministic order, so that every reader picks the same copy and
     * repairs the others to it: a tombstone first, then the later save, the writer, and finally the bytes. Two
     * copies neither of which is newer are identical.
     */
    public boolean isNewerThan(SessionEnvelope other) {
        return other == null || compareTo(other) > 0;
    }

    private int compareTo(SessionEnvelope other) {
        int order = Long.compare(revision, other.revision);
        if (order == 0) {
            order = Boolean.compare(isTombstone(), other.isTombstone());
        }
        if (order == 0) {
            order = Long.compare(savedAt, other.savedAt);
        }
        if (order == 0) {
            order = String.valueOf(writer).compareTo(String.valueOf(other.writer));
        }
        if (order == 0) {
            order = java.util.Arrays.compare(payload, other.payload);
        }
        if (order == 0) {
            order = Long.compare(creationTime, other.creationTime);
        }
        if (order == 0) {
            order = Long.compare(lastAccessedTime, other.lastAccessedTime);
        }
        if (order == 0) {
            order = Integer.compare(maxInactiveSeconds, other.maxInactiveSeconds);
        }
        if (order == 0) {
            order = java.util.Arrays.compare(mac, other.mac);
        }
        return order;
    }

    public byte[] encode() {
        byte[] writerBytes = truncatedUtf8(writer);
        ByteBuffer out = ByteBuffer.allocate(41 + writerBytes.length + 1 + mac.length + 4 + payload.length);
        out.put(MAGIC_0).put(MAGIC_1).put((byte) FORMAT_VERSION).put((byte) flags)
                .putLong(revision).putLong(savedAt).putLong(creationTime).putLong(lastAccessedTime)
                .putInt(maxInactiveSeconds)
                .put((byte) writerBytes.length).put(writerBytes)
                .put((byte) mac.length).put(mac)
                .putInt(payload.length).put(payload);
        return out.array();
    }

    public static SessionEnvelope decode(byte[] value) throws MalformedEnvelopeException {
        if (value == null || value.length < 2 || value[0] != MAGIC_0 || value[1] != MAGIC_1) {
            throw new MalformedEnvelopeException("not an mcsessions value (no 'MC' header)");
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(value);
            in.position(2);
            int version = in.get() & 0xff;
            if (version != FORMAT_VERSION) {
                throw new MalformedEnvelopeException("format version " + version + " is not supported (expected "
                        + FORMAT_VERSION + ")");
            }
            int flags = in.get() & 0xff;
            if ((flags & ~KNOWN_FLAGS) != 0) {
                throw new MalformedEnvelopeException("unknown flags " + Integer.toBinaryString(flags));
            }
            long revision = in.getLong();
            long savedAt = in.getLong();
            long created = in.getLong();
            long lastAccessed = in.getLong();
            int maxInactive = in.getInt();
            String writer = new String(bytes(in, in.get() & 0xff), StandardCharsets.UTF_8);
            byte[] mac = bytes(in, in.get() & 0xff);
            int payloadLength = in.getInt();
            if (payloadLength < 0 || payloadLength != in.remaining()) {
                throw new MalformedEnvelopeException("payload length " + payloadLength + " does not match the "
                        + in.remaining() + " bytes that follow");
            }
            if (revision < 1) {
                throw new MalformedEnvelopeException("revision " + revision + " is not positive");
            }
            return new SessionEnvelope(flags, revision, savedAt, created, lastAccessed, maxInactive, writer, mac,
                    bytes(in, payloadLength));
        } catch (BufferUnderflowException e) {
            throw new MalformedEnvelopeException("truncated: " + value.length + " bytes end inside the header");
        }
    }

    private static byte[] bytes(ByteBuffer in, int length) {
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static byte[] truncatedUtf8(String s) {
        byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
        return b.length <= MAX_WRITER_BYTES ? b : java.util.Arrays.copyOf(b, MAX_WRITER_BYTES);
    }
}
