package io.mcsessions.jetty;

import io.mcsessions.core.PayloadBuffer;
import io.mcsessions.core.RateLimitedLog;
import io.mcsessions.core.SessionIds;
import io.mcsessions.core.SessionInputFilter;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.SessionSerializer;
import io.mcsessions.core.StoreConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.eclipse.jetty.session.SessionContext;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.UnreadableSessionDataException;

/**
 * A Jetty session to and from the payload stored in memcached: {@link SessionDataCodec}'s header, then the
 * attributes in Jetty's own format (serializer="java", through the store's object streams, so Jetty's class loading
 * and passivation apply) or Kryo's. One per store start, holding that start's serializer, filters and name.
 */
final class AttributeCodec {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.jetty.MemcachedSessionDataStore");
    /** The filter of the attribute stream being read on this thread, to say why it rejected something. */
    private static final ThreadLocal<SessionInputFilter> READING = new ThreadLocal<>();

    /** Jetty's attribute format: {@code ObjectStreamSessionDataStore}'s protected methods, as the store has them. */
    interface JettyFormat {
        void write(SessionData data, OutputStream out) throws Exception;

        void read(SessionData data, InputStream in) throws Exception;
    }

    private final JettyFormat jetty;
    /** serializer="kryo": writes and reads the attributes; null for Jetty's own format (serializer="java"). */
    private final SessionSerializer kryo;
    /** sessionAttributeFilter: the names of the attributes written; null for all. */
    private final Pattern storedAttributes;
    private final ObjectInputFilter classFilter;
    private final String name;
    /** A planted or damaged value can come back with every request that names its session. */
    private final RateLimitedLog unreadable = new RateLimitedLog(LOG, 60_000, System::nanoTime);

    AttributeCodec(StoreConfig config, JettyFormat jetty) {
        this.jetty = jetty;
        this.kryo = StoreConfig.KRYO_SERIALIZER.equals(config.getSerializer()) ? SessionSerializer.forConfig(config)
                : null;
        this.storedAttributes = config.getSessionAttributePattern();
        this.classFilter = config.getClassFilter();
        this.name = config.getStoreName();
    }

    /** The payload of {@code data}: its metadata, then its attributes, built in this thread's buffer and copied once. */
    byte[] encode(SessionData data) throws Exception {
        PayloadBuffer out = PayloadBuffer.acquire();
        try {
            int lengthAt = SessionDataCodec.writeHeader(data, out);
            writeAttributes(data, out);
            SessionDataCodec.endAttributes(out, lengthAt);
            return out.toByteArray();
        } finally {
            out.release();
        }
    }

    /** Jetty's class-loading stream, held to the limits and the {@code deserializationFilter}. */
    ObjectInputStream newObjectInputStream(InputStream is) throws IOException {
        SessionInputFilter filter = new SessionInputFilter(is.available(), classFilter);
        ObjectInputStream in = new FilteredObjectInputStream(is, filter);
        READING.set(filter);
        return in;
    }

    /** The session in {@code record}, its attributes read with the web application's class loader. */
    MemcachedSessionData decode(String id, SessionRecord record, SessionContext context)
            throws UnreadableSessionDataException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader webapp = context.getContext() == null ? null : context.getContext().getClassLoader();
        try {
            SessionDataCodec.Header header = SessionDataCodec.readHeader(record.payload());
            if (!id.equals(header.id())) {
                throw new IOException("the stored payload belongs to another session id");
            }
            MemcachedSessionData data = SessionDataCodec.newData(header, record.revision(),
                    record.lastAccessedTime());
            if (webapp != null) {
                thread.setContextClassLoader(webapp); // Jetty resolves webapp classes with the thread's loader
            }
            readAttributes(data, record.payload(), header, webapp);
            data.clean();
            return data;
        } catch (Exception e) {
            SessionInputFilter filter = READING.get();
            String why = filter != null && filter.rejection() != null ? filter.rejection() : e.toString();
            unreadable.warn(name + " - session " + SessionIds.shorten(id) + " cannot be read (" + why + "); Jetty "
                    + "drops it and the request goes on without it");
            throw new UnreadableSessionDataException(id, context, e);
        } finally {
            READING.remove();
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Jetty's format (serializer="java") through Jetty's own reader; Kryo's through the Kryo serializer. A store set
     * to Kryo still reads what Jetty's format wrote before the switch; one set to Java names the setting instead of
     * failing on the Kryo bytes.
     */
    private void readAttributes(MemcachedSessionData data, byte[] payload, SessionDataCodec.Header header,
                                ClassLoader webapp) throws Exception {
        int offset = header.attributesOffset();
        int length = header.attributesLength();
        if (!StoreConfig.KRYO_SERIALIZER.equals(SessionSerializer.formatOf(payload, offset, length))) {
            jetty.read(data, new ByteArrayInputStream(payload, offset, length));
            return;
        }
        if (kryo == null) {
            throw new IOException("the session was written with serializer=kryo, and this instance reads Jetty's "
                    + "format only (serializer=java): set the same serializer on every instance");
        }
        Map<String, Object> attributes = kryo.deserialize(Arrays.copyOfRange(payload, offset, offset + length),
                webapp != null ? webapp : Thread.currentThread().getContextClassLoader());
        data.putAllAttributes(attributes);
    }

    private void writeAttributes(SessionData data, PayloadBuffer out) throws Exception {
        SessionData stored = storedAttributes == null ? data : StoredAttributes.of(data, storedAttributes);
        if (kryo != null) {
            kryo.serialize(new TreeMap<>(stored.getAllAttributes()), out); // leaves out what does not serialize
            return;
        }
        // Jetty's format, byte for byte as Jetty's own store writes it.
        int start = out.size();
        try {
            jetty.write(stored, out);
        } catch (IOException | RuntimeException e) {
            out.truncate(start);
            jetty.write(SerializableAttributes.of(stored, name), out);
        }
    }
}
