package io.mcsessions.core;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Kryo's serializers for collections, maps and arrays, with the size they announce counted against the payload
 * ({@link KryoReading#announced}) before anything is allocated for it; and the serializer for JDK classes whose
 * fields Kryo may not read (the JDK's modules do not open them), which writes them with Java serialization and reads
 * them under the same filter. The wire format is Kryo's own.
 */
final class KryoSerializers {

    private KryoSerializers() {
    }

    /** Counts {@code elements} against the payload, when reading. */
    static void announce(Kryo kryo, long elements, Class<?> type) {
        KryoReading reading = ((SessionKryo) kryo).reading();
        if (reading != null) {
            reading.announced(elements, type, kryo.getDepth());
        }
    }

    /**
     * The table a {@code HashMap} or {@code HashSet} grown by adding {@code size} entries has: its elements then
     * iterate, and so serialize again, in the order they were read (Kryo's own sizing can double the table, and a
     * session read and written back unchanged would then differ from what was read).
     */
    static int capacityFor(int size) {
        return size >= (1 << 29) ? 1 << 30 : Math.max(16, (int) Math.ceil(size / 0.75));
    }

    /** Any {@code Collection} without a serializer of its own. */
    static final class BoundedCollectionSerializer extends CollectionSerializer<Collection<Object>> {
        @Override
        protected Collection<Object> create(Kryo kryo, Input input, Class<? extends Collection<Object>> type,
                                            int size) {
            announce(kryo, size, type);
            if ((Class<?>) type == ArrayList.class) {
                return new ArrayList<>(size);
            }
            if ((Class<?>) type == HashSet.class) {
                return new HashSet<>(capacityFor(size));
            }
            return kryo.newInstance(type);
        }
    }

    /** Any {@code Map} without a serializer of its own. */
    static final class BoundedMapSerializer extends MapSerializer<Map<Object, Object>> {
        @Override
        protected Map<Object, Object> create(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type,
                                             int size) {
            announce(kryo, 2L * size, type);
            if ((Class<?>) type == HashMap.class) {
                return new HashMap<>(capacityFor(size));
            }
            return kryo.newInstance(type);
        }
    }

    /** {@code PriorityQueue}, which Kryo sizes to the announced count. */
    static final class BoundedPriorityQueueSerializer extends DefaultSerializers.PriorityQueueSerializer {
        @Override
        @SuppressWarnings({"rawtypes", "unchecked"})
        protected PriorityQueue create(Kryo kryo, Input input, Class<? extends PriorityQueue> type, int size) {
            announce(kryo, size, type);
            return super.create(kryo, input, type, size);
        }
    }

    /** {@code Arrays.asList}, read into a list of the announced size first. */
    static final class BoundedArraysAsListSerializer extends DefaultSerializers.ArraysAsListSerializer {
        @Override
        @SuppressWarnings("rawtypes")
        protected List create(Kryo kryo, Input input, Class type, int size) {
            announce(kryo, size, List.class);
            return super.create(kryo, input, type, size);
        }
    }

    /** {@code List.of(...)}: Kryo's serializer of it cannot be extended. */
    static final class ImmutableListSerializer extends CollectionSerializer<List<Object>> {
        ImmutableListSerializer() {
            setElementsCanBeNull(false);
        }

        @Override
        protected List<Object> create(Kryo kryo, Input input, Class<? extends List<Object>> type, int size) {
            announce(kryo, size, List.class);
            return new ArrayList<>(size);
        }

        @Override
        public List<Object> read(Kryo kryo, Input input, Class<? extends List<Object>> type) {
            List<Object> list = super.read(kryo, input, type);
            return list == null ? null : List.of(list.toArray());
        }
    }

    /** {@code Set.of(...)}. */
    static final class ImmutableSetSerializer extends CollectionSerializer<Set<Object>> {
        ImmutableSetSerializer() {
            setElementsCanBeNull(false);
        }

        @Override
        protected Set<Object> create(Kryo kryo, Input input, Class<? extends Set<Object>> type, int size) {
            announce(kryo, size, Set.class);
            return new HashSet<>(capacityFor(size));
        }

        @Override
        public Set<Object> read(Kryo kryo, Input input, Class<? extends Set<Object>> type) {
            Set<Object> set = super.read(kryo, input, type);
            return set == null ? null : Set.of(set.toArray());
        }
    }

    /** {@code Map.of(...)}. */
    static final class ImmutableMapSerializer extends MapSerializer<Map<Object, Object>> {
        ImmutableMapSerializer() {
            setKeysCanBeNull(false);
            setValuesCanBeNull(false);
        }

        @Override
        protected Map<Object, Object> create(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type,
                                             int size) {
            announce(kryo, 2L * size, Map.class);
            return new HashMap<>(capacityFor(size));
        }

        @Override
        public Map<Object, Object> read(Kryo kryo, Input input, Class<? extends Map<Object, Object>> type) {
            Map<Object, Object> map = super.read(kryo, input, type);
            return map == null ? null : Map.copyOf(map);
        }
    }

    /**
     * Kryo's array serializers announce the length (plus one; 0 is null) as their first varint, then allocate: the
     * length is read ahead and counted first, then the array serializer reads as usual.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class LengthCheckedArraySerializer extends Serializer<Object> {
        private final Serializer array;

        LengthCheckedArraySerializer(Serializer array) {
            super(array.getAcceptsNull(), array.isImmutable());
            this.array = array;
        }

        @Override
        public void write(Kryo kryo, Output output, Object object) {
            array.write(kryo, output, object);
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<?> type) {
            int start = input.position();
            int lengthPlusOne = input.readVarInt(true);
            input.setPosition(start);
            announce(kryo, lengthPlusOne - 1L, type);
            return array.read(kryo, input, (Class) type);
        }

        @Override
        public Object copy(Kryo kryo, Object original) {
            return array.copy(kryo, original);
        }
    }

    /**
     * A JDK class whose fields Kryo may not read on Java 17+ (e.g. {@code Collections.unmodifiableList},
     * {@code InetAddress}, exceptions): written with Java serialization inside the Kryo payload, and read by
     * {@link KryoReading#readJava} under the same filter, class pattern and budgets as the rest of the payload.
     */
    static final class JavaFallback extends Serializer<Object> {
        @Override
        public void write(Kryo kryo, Output output, Object object) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(object);
            } catch (IOException e) {
                throw new KryoException("cannot serialize " + object.getClass().getName() + ": " + e, e);
            }
            output.writeVarInt(bytes.size(), true);
            output.writeBytes(bytes.toByteArray());
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<?> type) {
            KryoReading reading = ((SessionKryo) kryo).reading();
            if (reading == null) {
                throw new KryoException("mcsessions reads Java-serialized parts only while reading a session");
            }
            int length = input.readVarInt(true);
            return reading.readJava(input.readBytes(length)); // readBytes checks the length against what is left
        }
    }

    /**
     * A JDK class Kryo can neither read field by field nor rebuild, and that Java serialization refuses too (it is
     * not {@code Serializable}): writing it fails, so the attribute that holds it is left out with a warning, as the
     * Java serializer leaves it out, instead of being written in a form no instance can read.
     */
    static final class Unserializable extends Serializer<Object> {
        private final Class<?> type;

        Unserializable(Class<?> type) {
            this.type = type;
        }

        @Override
        public void write(Kryo kryo, Output output, Object object) {
            throw new KryoException(type.getName() + " is a JDK class that is not Serializable and that Kryo cannot "
                    + "rebuild");
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<?> type) {
            throw new KryoException(type.getName() + " is never written");
        }
    }
}
