package io.mcsessions.core;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * A Kryo set up the way memcached-session-manager's Kryo transcoder users expect (no class registration; shared
 * references and cycles kept; classes without a no-argument constructor instantiated all the same), with the checks
 * of a {@link KryoReading} hooked into every step of a read: each class named by the payload
 * ({@link FilteringClassResolver}), each object before and after it is read (the {@code read*} methods), and each
 * size a collection, map or array announces ({@link KryoSerializers}).
 *
 * <p>One instance serves one thread at a time ({@link KryoSessionSerializer} pools them).
 */
final class SessionKryo extends Kryo {
    private final TrackingReferenceResolver references;
    private KryoReading reading;

    SessionKryo() {
        super(new FilteringClassResolver(), new TrackingReferenceResolver());
        references = (TrackingReferenceResolver) getReferenceResolver();
        setRegistrationRequired(false);
        setAutoReset(false); // one graph per session: references and class names span its attributes
        setMaxDepth(SessionInputFilter.MAX_DEPTH);
        setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        // Kryo has serializers for these but does not use them by default; its field serializer cannot read
        // their fields on Java 17+.
        addDefaultSerializer(UUID.class, new DefaultSerializers.UUIDSerializer());
        addDefaultSerializer(URI.class, new DefaultSerializers.URISerializer());
        addDefaultSerializer(Pattern.class, new DefaultSerializers.PatternSerializer());
        addDefaultSerializer(AtomicBoolean.class, new DefaultSerializers.AtomicBooleanSerializer());
        addDefaultSerializer(AtomicInteger.class, new DefaultSerializers.AtomicIntegerSerializer());
        addDefaultSerializer(AtomicLong.class, new DefaultSerializers.AtomicLongSerializer());
        addDefaultSerializer(AtomicReference.class, new DefaultSerializers.AtomicReferenceSerializer());
    }

    /** Starts a read under {@code reading}'s limits, resolving classes with its class loader. */
    void startReading(KryoReading reading) {
        this.reading = reading;
        setClassLoader(reading.classLoader());
    }

    /** Ends a read (whatever its outcome): forgets the graph and the limits. */
    void stopReading() {
        reading = null;
        reset();
    }

    /** The read under way, or null while writing. */
    KryoReading reading() {
        return reading;
    }

    /**
     * Kryo's choice, with the sized serializers swapped for ones that count what they announce, and Java
     * serialization for JDK classes that Kryo would read field by field but may not.
     */
    @Override
    @SuppressWarnings("rawtypes")
    public Serializer getDefaultSerializer(Class type) {
        Serializer chosen;
        try {
            chosen = super.getDefaultSerializer(type);
        } catch (RuntimeException e) {
            if (!hasSealedJdkFields(type)) {
                throw e;
            }
            // Kryo's field serializer found fields it may not make accessible (e.g. InetAddress's).
            return Serializable.class.isAssignableFrom(type) ? new KryoSerializers.JavaFallback()
                    : new KryoSerializers.Unserializable(type);
        }
        Class<?> kind = chosen.getClass();
        if (kind == CollectionSerializer.class) {
            return javaIfSealedJdk(type, new KryoSerializers.BoundedCollectionSerializer());
        }
        if (kind == MapSerializer.class) {
            return javaIfSealedJdk(type, new KryoSerializers.BoundedMapSerializer());
        }
        if (kind == FieldSerializer.class && hasSealedJdkFields(type)) {
            return Serializable.class.isAssignableFrom(type) ? new KryoSerializers.JavaFallback()
                    : new KryoSerializers.Unserializable(type);
        }
        if (kind == DefaultSerializers.PriorityQueueSerializer.class) {
            return new KryoSerializers.BoundedPriorityQueueSerializer();
        }
        if (kind == DefaultSerializers.ArraysAsListSerializer.class) {
            return new KryoSerializers.BoundedArraysAsListSerializer();
        }
        if (kind == ImmutableCollectionsSerializers.JdkImmutableListSerializer.class) {
            return new KryoSerializers.ImmutableListSerializer();
        }
        if (kind == ImmutableCollectionsSerializers.JdkImmutableSetSerializer.class) {
            return new KryoSerializers.ImmutableSetSerializer();
        }
        if (kind == ImmutableCollectionsSerializers.JdkImmutableMapSerializer.class) {
            return new KryoSerializers.ImmutableMapSerializer();
        }
        if (kind == DefaultArraySerializers.ObjectArraySerializer.class
                || kind == DefaultArraySerializers.StringArraySerializer.class) {
            return new KryoSerializers.LengthCheckedArraySerializer(chosen);
        }
        return chosen;
    }

    /**
     * A JDK collection or map that Kryo cannot rebuild through its API (no public no-argument constructor, e.g.
     * {@code Collections.unmodifiableList}: an instance made without a constructor throws on {@code add}).
     */
    @SuppressWarnings("rawtypes")
    private static Serializer javaIfSealedJdk(Class<?> type, Serializer bounded) {
        if (!sealedJdk(type) || publicNoArgConstructor(type)) {
            return bounded;
        }
        return Serializable.class.isAssignableFrom(type) ? new KryoSerializers.JavaFallback()
                : new KryoSerializers.Unserializable(type);
    }

    /**
     * Whether the class or one of its superclasses is a JDK class with instance fields that Kryo's field serializer
     * would have to read (a class with none, such as {@code Object}, serializes as nothing).
     */
    private static boolean hasSealedJdkFields(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            if (sealedJdk(c)) {
                for (java.lang.reflect.Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A class of a named module (the JDK's) whose package is not open to mcsessions: Kryo may not read its fields. */
    private static boolean sealedJdk(Class<?> type) {
        Module module = type.getModule();
        return module.isNamed() && !module.isOpen(type.getPackageName(), SessionKryo.class.getModule());
    }

    private static boolean publicNoArgConstructor(Class<?> type) {
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            return false;
        }
        try {
            return Modifier.isPublic(type.getConstructor().getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    // ---- every object read passes the limits: before it is read, and once it is complete ----

    @Override
    public Object readClassAndObject(Input input) {
        KryoReading limits = reading;
        if (limits == null) {
            return super.readClassAndObject(input);
        }
        int depth = before(limits);
        long backReferences = references.backReferences;
        return after(limits, super.readClassAndObject(input), depth, backReferences);
    }

    @Override
    public <T> T readObject(Input input, Class<T> type) {
        KryoReading limits = reading;
        if (limits == null) {
            return super.readObject(input, type);
        }
        int depth = before(limits);
        long backReferences = references.backReferences;
        return after(limits, super.readObject(input, type), depth, backReferences);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public <T> T readObject(Input input, Class<T> type, Serializer serializer) {
        KryoReading limits = reading;
        if (limits == null) {
            return super.readObject(input, type, serializer);
        }
        int depth = before(limits);
        long backReferences = references.backReferences;
        return after(limits, super.readObject(input, type, serializer), depth, backReferences);
    }

    @Override
    public <T> T readObjectOrNull(Input input, Class<T> type) {
        KryoReading limits = reading;
        if (limits == null) {
            return super.readObjectOrNull(input, type);
        }
        int depth = before(limits);
        long backReferences = references.backReferences;
        return after(limits, super.readObjectOrNull(input, type), depth, backReferences);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public <T> T readObjectOrNull(Input input, Class<T> type, Serializer serializer) {
        KryoReading limits = reading;
        if (limits == null) {
            return super.readObjectOrNull(input, type, serializer);
        }
        int depth = before(limits);
        long backReferences = references.backReferences;
        return after(limits, super.readObjectOrNull(input, type, serializer), depth, backReferences);
    }

    private int before(KryoReading limits) {
        int depth = getDepth() + 1;
        limits.beforeObject(depth);
        return depth;
    }

    /**
     * Measures an object that this call read, but not one it only found by reference: that one was measured when
     * it was read (its measure is remembered), and counting it again would count shared objects once per mention.
     * A reference is resolved at this call's own depth, before anything nested is read.
     */
    private <T> T after(KryoReading limits, T object, int depth, long backReferencesBefore) {
        boolean reference = references.backReferences != backReferencesBefore
                && references.lastBackReferenceDepth == depth;
        if (object != null && !reference) {
            limits.completed(object);
        }
        return object;
    }

    /** Resolves the classes a payload names with the web application's loader, and has the filter judge each. */
    static final class FilteringClassResolver extends DefaultClassResolver {
        @Override
        protected Class<?> getTypeByName(String className) {
            SessionKryo session = (SessionKryo) kryo;
            KryoReading limits = session.reading;
            if (limits == null) {
                return super.getTypeByName(className);
            }
            Class<?> type;
            try {
                type = Class.forName(className, false, session.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new KryoException("class " + className + " is not visible to the web application", e);
            }
            limits.classResolved(type, kryo.getDepth());
            return type;
        }
    }

    /** Counts references to objects read before, and the depth of the last one. */
    static final class TrackingReferenceResolver extends MapReferenceResolver {
        long backReferences;
        int lastBackReferenceDepth;

        @Override
        public Object getReadObject(Class type, int id) {
            backReferences++;
            lastBackReferenceDepth = kryo.getDepth();
            return super.getReadObject(type, id);
        }
    }
}
