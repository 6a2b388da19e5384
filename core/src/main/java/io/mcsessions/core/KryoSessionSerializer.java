package io.mcsessions.core;

import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import io.mcsessions.core.internal.Logs;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kryo 5 serialization of session attributes ({@code serializer="kryo"}), for applications that used
 * memcached-session-manager's Kryo transcoder: smaller and faster than Java serialization, and classes need not be
 * {@code Serializable}. Needs {@code com.esotericsoftware:kryo} 5.x on the class path (the Tomcat drop-in jars
 * bundle it).
 *
 * <p>As with msm, classes need no registration: Kryo writes the class name the first time a class appears in a
 * session, keeps shared references and cycles, and builds objects without calling their constructors where they
 * have no no-argument one. Fields are written as Kryo's field serializer writes them (transient fields are left
 * out; {@code writeObject}/{@code readObject} methods are not called). JDK classes whose fields Kryo may not read on
 * Java 17+ ({@code Collections.unmodifiableList}, {@code InetAddress}, exceptions...) are written with Java
 * serialization inside the Kryo payload. The format is mcsessions' own: msm's Kryo sessions cannot be read.
 *
 * <p>Reading a payload from memcached gives the same guarantees as {@link JavaSessionSerializer}
 * (see {@link SessionInputFilter} and docs/how-it-works.md): every class the payload names must pass the
 * {@code deserializationFilter} pattern (and {@code jdk.serialFilter}) before any object of it is built; no object
 * deeper than {@value SessionInputFilter#MAX_DEPTH}; the same limits on expansion through shared references, path
 * length and CPU time; and, because Kryo allocates a collection or array for the size the payload announces before
 * reading its elements, the sizes announced by all collections, maps and arrays of one payload may add up to no more
 * than its bytes, and no string or primitive array may be longer than the bytes left. A refused payload is an
 * {@link IOException}, never a hang, a {@code StackOverflowError} or an {@code OutOfMemoryError}.
 *
 * <p>A payload written by the Java serializer (before the switch to Kryo) is read by it, under its own filter, so
 * sessions survive a rolling switch from {@code java} to {@code kryo}.
 *
 * <p>Kryo instances are not thread-safe: each call borrows one from a pool that keeps at most
 * {@value #MAX_IDLE_INSTANCES} idle instances (more are made under load, and dropped when returned to a full pool).
 * An instance whose read or write failed is dropped, never reused.
 */
public final class KryoSessionSerializer implements SessionSerializer {
    /** How many idle Kryo instances the pool keeps. */
    public static final int MAX_IDLE_INSTANCES = 32;
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.KryoSessionSerializer");
    private static final Set<String> WARNED_CLASSES = ConcurrentHashMap.newKeySet();
    private static final byte[] MAGIC = PayloadFormats.KRYO_MAGIC;

    private final ObjectInputFilter classFilter;
    private final JavaSessionSerializer javaPayloads;
    private final Pool<SessionKryo> pool = new Pool<>(true, false, MAX_IDLE_INSTANCES) {
        @Override
        protected SessionKryo create() {
            return new SessionKryo();
        }
    };

    /** Limits only, no class filter. */
    public KryoSessionSerializer() {
        this(null);
    }

    /** @param classFilter which classes may be read (null: any), e.g. from {@link StoreConfig#getClassFilter()} */
    public KryoSessionSerializer(ObjectInputFilter classFilter) {
        this.classFilter = classFilter;
        this.javaPayloads = new JavaSessionSerializer(classFilter);
    }

    /** The serializer a store's configuration asks for. */
    public static KryoSessionSerializer forConfig(StoreConfig config) {
        return new KryoSessionSerializer(config.getClassFilter());
    }

    @Override
    public byte[] serialize(Map<String, Object> attributes) throws IOException {
        SessionKryo kryo = pool.obtain();
        boolean reusable = false;
        try {
            byte[] bytes;
            try {
                bytes = write(kryo, attributes);
            } catch (RuntimeException e) {
                kryo.reset();
                Map<String, Object> writable = new LinkedHashMap<>();
                attributes.forEach((name, value) -> {
                    if (writes(kryo, name, value)) {
                        writable.put(name, value);
                    }
                });
                bytes = write(kryo, writable);
            }
            reusable = true;
            return bytes;
        } catch (RuntimeException e) {
            throw new IOException("cannot serialize the session with Kryo: " + e, e);
        } finally {
            kryo.reset();
            if (reusable) {
                pool.free(kryo);
            }
        }
    }

    private static byte[] write(SessionKryo kryo, Map<String, Object> attributes) {
        Output out = new Output(256 + attributes.size() * 64, -1);
        out.writeBytes(MAGIC);
        out.writeVarInt(attributes.size(), true);
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            out.writeString(attribute.getKey());
            kryo.writeClassAndObject(out, attribute.getValue());
        }
        kryo.reset();
        return out.toBytes();
    }

    /** Whether one attribute serializes on its own; if not, warns once per class. */
    private static boolean writes(SessionKryo kryo, String name, Object value) {
        try {
            kryo.writeClassAndObject(new Output(256, -1), value);
            return true;
        } catch (RuntimeException e) {
            String type = value == null ? "null" : value.getClass().getName();
            if (WARNED_CLASSES.add(type)) {
                LOG.log(System.Logger.Level.WARNING, "session attribute ''{0}'' of class {1} cannot be serialized "
                        + "with Kryo ({2}); it is not stored in memcached and lives only in the container that set "
                        + "it.", name, type, firstLine(e));
            }
            return false;
        } finally {
            kryo.reset();
        }
    }

    @Override
    public Map<String, Object> deserialize(byte[] payload, ClassLoader classLoader) throws IOException {
        String format = PayloadFormats.formatOf(payload, 0, payload.length);
        if (StoreConfig.JAVA_SERIALIZER.equals(format)) {
            return javaPayloads.deserialize(payload, classLoader); // written before the switch to Kryo
        }
        if (!StoreConfig.KRYO_SERIALIZER.equals(format)) {
            throw new IOException("damaged payload: not written by mcsessions' Kryo or Java serializer");
        }
        int length = payload.length - MAGIC.length;
        ClassLoader loader = classLoader != null ? classLoader : KryoSessionSerializer.class.getClassLoader();
        KryoReading reading = new KryoReading(length, classFilter, loader);
        SessionKryo kryo = pool.obtain();
        boolean reusable = false;
        kryo.startReading(reading);
        try {
            KryoInput in = new KryoInput(payload, MAGIC.length, length, reading);
            int count = in.readVarInt(true);
            if (count < 0 || count > length) {
                throw new IOException("damaged payload: " + count + " attributes announced in " + length + " bytes");
            }
            Map<String, Object> attributes = new LinkedHashMap<>(Math.max(4, count * 2));
            for (int i = 0; i < count; i++) {
                String name = in.readString();
                if (name == null) {
                    throw new IOException("damaged payload: attribute " + (i + 1) + " has no name");
                }
                attributes.put(name, kryo.readClassAndObject(in));
            }
            if (in.position() != in.limit()) {
                throw new IOException("damaged payload: " + (in.limit() - in.position()) + " bytes after the last "
                        + "attribute");
            }
            reusable = true;
            return attributes;
        } catch (RuntimeException e) {
            throw failure(reading, e);
        } catch (StackOverflowError e) {
            // Not expected (depth is limited before the stack could be): a hostile payload must never kill the thread.
            throw new IOException("damaged payload: nested too deeply to read", e);
        } finally {
            kryo.stopReading();
            if (reusable) {
                pool.free(kryo);
            }
        }
    }

    /** The reason a read failed, as the Java serializer words it. */
    private static IOException failure(KryoReading reading, RuntimeException e) {
        if (reading.rejection() != null) {
            return new IOException("the deserialization filter rejected the session: " + reading.rejection(), e);
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClassNotFoundException missing) {
                return new IOException("class " + missing.getMessage() + " is not visible to the web application", e);
            }
        }
        return new IOException("damaged payload: " + firstLine(e), e);
    }

    /** Kryo appends a multi-line serialization trace to its messages. */
    private static String firstLine(Throwable e) {
        String text = e.toString();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
