package io.mcsessions.core;

import io.mcsessions.core.internal.Logs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Java serialization of session attributes, resolving classes with the web application's class loader.
 *
 * <p>Attributes are written to one object stream (so class descriptors are shared). If an attribute does not
 * serialize, the slower path finds every such attribute, leaves them out, and warns once per class, naming
 * it: the session itself is still stored, and the live session keeps those attributes locally.
 *
 * <p>Reading is guarded by a {@link SessionInputFilter}: limits on depth, array length, references, the
 * expansion of shared objects and CPU time that no honest payload reaches but crafted ones use to exhaust memory
 * or CPU, and, when configured, the {@code deserializationFilter} class pattern; the JVM-wide filter
 * ({@code jdk.serialFilter}) still applies.
 */
public final class JavaSessionSerializer implements SessionSerializer {
    /** Deepest object graph accepted. */
    public static final int DEFAULT_MAX_DEPTH = SessionInputFilter.MAX_DEPTH;
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.JavaSessionSerializer");
    private static final Set<String> WARNED_CLASSES = ConcurrentHashMap.newKeySet();

    private final ObjectInputFilter classFilter;

    /** Limits only, no class filter. */
    public JavaSessionSerializer() {
        this(null);
    }

    /** @param classFilter which classes may be read (null: any), e.g. from {@link StoreConfig#getClassFilter()} */
    public JavaSessionSerializer(ObjectInputFilter classFilter) {
        this.classFilter = classFilter;
    }

    /** The serializer a store's configuration asks for. */
    public static JavaSessionSerializer forConfig(StoreConfig config) {
        return new JavaSessionSerializer(config.getClassFilter());
    }

    @Override
    public byte[] serialize(Map<String, Object> attributes) throws IOException {
        PayloadBuffer out = PayloadBuffer.acquire();
        try {
            serialize(attributes, out);
            return out.toByteArray();
        } finally {
            out.release();
        }
    }

    @Override
    public void serialize(Map<String, Object> attributes, PayloadBuffer out) throws IOException {
        int start = out.size();
        try {
            write(attributes, out);
        } catch (IOException | RuntimeException e) {
            Map<String, Object> serializable = new LinkedHashMap<>();
            attributes.forEach((name, value) -> {
                if (serializes(name, value)) {
                    serializable.put(name, value);
                }
            });
            out.truncate(start);
            write(serializable, out);
        }
    }

    private static void write(Map<String, Object> attributes, OutputStream out) throws IOException {
        ReusedObjectOutput.write(attributes, out);
    }

    private static boolean serializes(String name, Object value) {
        return serializes(null, name, value);
    }

    /**
     * Whether an attribute's value serializes with Java serialization. If not, warns once per class in this JVM,
     * naming the attribute, its class and why, and the caller stores the session without it. For adapters that write
     * Java serialization in a format of their own (Jetty's).
     *
     * @param storeName starts the warning (null: none)
     */
    public static boolean serializes(String storeName, String name, Object value) {
        try (ObjectOutputStream probe = new ObjectOutputStream(OutputStream.nullOutputStream())) {
            probe.writeObject(value);
            return true;
        } catch (IOException | RuntimeException e) {
            String type = value == null ? "null" : value.getClass().getName();
            if (WARNED_CLASSES.add(type)) {
                LOG.log(System.Logger.Level.WARNING, (storeName == null ? "" : storeName + " - ") + "session attribute '"
                        + name + "' of class " + type + " cannot be serialized (" + e + "); it is not stored in "
                        + "memcached and lives only in the instance that set it. Make the class Serializable to "
                        + "replicate it.");
            }
            return false;
        }
    }

    @Override
    public Map<String, Object> deserialize(byte[] payload, ClassLoader classLoader) throws IOException {
        if (StoreConfig.KRYO_SERIALIZER.equals(PayloadFormats.formatOf(payload, 0, payload.length))) {
            throw new IOException("the session was written with serializer=kryo, and this instance reads Java "
                    + "serialization only (serializer=java): set the same serializer on every instance");
        }
        SessionInputFilter filter = new SessionInputFilter(payload.length, classFilter);
        try (ObjectInputStream objects = new SessionObjectInputStream(new ByteArrayInputStream(payload),
                classLoader, filter)) {
            int count = objects.readInt();
            if (count < 0 || count > payload.length) {
                throw new IOException("damaged payload: " + count + " attributes announced in " + payload.length
                        + " bytes");
            }
            Map<String, Object> attributes = new LinkedHashMap<>(Math.max(4, count * 2));
            for (int i = 0; i < count; i++) {
                attributes.put(objects.readUTF(), objects.readObject());
            }
            return attributes;
        } catch (java.io.ObjectStreamException e) { // the filter's rejections, and damaged streams
            if (filter.rejection() != null) {
                throw new IOException("the deserialization filter rejected the session: " + filter.rejection(), e);
            }
            throw e;
        } catch (ClassNotFoundException e) {
            throw new IOException("class " + e.getMessage() + " is not visible to the web application", e);
        } catch (RuntimeException e) {
            throw new IOException("damaged payload: " + e, e);
        }
    }
}
