package io.mcsessions.jetty;

import io.mcsessions.core.PayloadBuffer;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.eclipse.jetty.session.SessionData;

/**
 * The payload mcsessions stores for a Jetty session: everything Jetty keeps about the session (id, context,
 * virtual host, last node, the five timestamps, the idle timeout and {@code lastSaved}) followed by the
 * serialized attributes. The metadata can be read without deserializing any attribute, so expiry checks never
 * need the web application's classes.
 *
 * <p>Layout: magic {@code 0x4A53} ("JS"), format version, the strings (each a presence flag and UTF-8), seven
 * longs, then the length and bytes of the attributes.
 */
final class SessionDataCodec {
    private static final int MAGIC = 0x4A53;
    private static final int VERSION = 1;

    private SessionDataCodec() {
    }

    /** What a payload says about its session, and where its attributes are. */
    record Header(String id, String contextPath, String vhost, String lastNode, long created, long accessed,
                  long lastAccessed, long cookieSet, long expiry, long maxInactiveMs, long lastSaved,
                  int attributesOffset, int attributesLength) {

        /** Whether the session had expired at {@code time}; a session with no expiry never does. */
        boolean isExpiredAt(long time) {
            return expiry > 0 && expiry <= time;
        }

        /**
         * The session's expiry given the last access the stored copy's header carries: later than the payload's own
         * when requests used the session since its last write without changing it (that moves only the header).
         */
        long expiryAccessedAt(long headerAccess) {
            return maxInactiveMs <= 0 || headerAccess <= accessed ? expiry : headerAccess + maxInactiveMs;
        }
    }

    static byte[] encode(SessionData data, byte[] attributes) throws IOException {
        PayloadBuffer out = PayloadBuffer.acquire();
        try {
            int lengthAt = writeHeader(data, out);
            out.write(attributes);
            endAttributes(out, lengthAt);
            return out.toByteArray();
        } finally {
            out.release();
        }
    }

    /**
     * Writes the metadata of {@code data} into {@code out}, ending with room for the attributes' length: the
     * attributes follow, then {@link #endAttributes} fills it in.
     *
     * @return where the attributes' length goes
     */
    static int writeHeader(SessionData data, PayloadBuffer out) throws IOException {
        DataOutputStream header = new DataOutputStream(out);
        header.writeShort(MAGIC);
        header.writeByte(VERSION);
        writeString(header, data.getId());
        writeString(header, data.getContextPath());
        writeString(header, data.getVhost());
        writeString(header, data.getLastNode());
        header.writeLong(data.getCreated());
        header.writeLong(data.getAccessed());
        header.writeLong(data.getLastAccessed());
        header.writeLong(data.getCookieSet());
        header.writeLong(data.getExpiry());
        header.writeLong(data.getMaxInactiveMs());
        header.writeLong(data.getLastSaved());
        int lengthAt = out.size();
        out.writeInt(0);
        return lengthAt;
    }

    /** Fills in the length of the attributes written since {@link #writeHeader}. */
    static void endAttributes(PayloadBuffer out, int lengthAt) {
        out.putInt(lengthAt, out.size() - lengthAt - 4);
    }

    /**
     * Reads the metadata of a payload.
     *
     * @throws IOException when the payload is not one of ours or is damaged
     */
    static Header readHeader(byte[] payload) throws IOException {
        ByteArrayInputStream bytes = new ByteArrayInputStream(payload);
        try (DataInputStream in = new DataInputStream(bytes)) {
            int magic = in.readUnsignedShort();
            if (magic != MAGIC) {
                throw new IOException("not a Jetty session written by mcsessions (magic 0x"
                        + Integer.toHexString(magic) + ")");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("session payload format " + version + " is not known to this version of "
                        + "mcsessions (it reads format " + VERSION + ")");
            }
            String id = readString(in);
            String contextPath = readString(in);
            String vhost = readString(in);
            String lastNode = readString(in);
            long created = in.readLong();
            long accessed = in.readLong();
            long lastAccessed = in.readLong();
            long cookieSet = in.readLong();
            long expiry = in.readLong();
            long maxInactiveMs = in.readLong();
            long lastSaved = in.readLong();
            int length = in.readInt();
            int offset = payload.length - bytes.available();
            if (length < 0 || length != payload.length - offset) {
                throw new IOException("damaged session payload: " + length + " bytes of attributes announced, "
                        + (payload.length - offset) + " present");
            }
            return new Header(id, contextPath, vhost, lastNode, created, accessed, lastAccessed, cookieSet, expiry,
                    maxInactiveMs, lastSaved, offset, length);
        } catch (java.io.EOFException e) {
            throw new IOException("damaged session payload: it ends early (" + payload.length + " bytes)", e);
        }
    }

    /**
     * Session data with the header's metadata and no attributes yet. {@code storedAccess} is the last access the
     * stored copy carries, which is later than the payload's when the session was used since without a change.
     */
    static MemcachedSessionData newData(Header header, long revision, long storedAccess) {
        MemcachedSessionData data = new MemcachedSessionData(header.id(), header.contextPath(), header.vhost(),
                header.created(), header.accessed(), header.lastAccessed(), header.maxInactiveMs());
        data.setLastNode(header.lastNode());
        data.setCookieSet(header.cookieSet());
        data.setExpiry(header.expiry());
        data.setLastSaved(header.lastSaved());
        if (storedAccess > header.accessed()) {
            data.setAccessed(storedAccess);
            data.setLastAccessed(storedAccess);
            data.setExpiry(header.expiryAccessedAt(storedAccess));
        }
        data.revision(revision);
        data.stored(storedAccess, header.maxInactiveMs());
        return data;
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readString(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
