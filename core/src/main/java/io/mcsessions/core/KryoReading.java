package io.mcsessions.core;

import com.esotericsoftware.kryo.KryoException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;

/**
 * The limits of one Kryo read, on top of a {@link SessionInputFilter} that holds the ones the Java serializer
 * applies: every class Kryo resolves by name passes the class filter (and {@code jdk.serialFilter}); every object
 * read passes the depth and CPU checks before it is read and the expansion and path-length checks once it is
 * complete, before the collection that holds it hashes it.
 *
 * <p>What Kryo adds: it allocates a collection, map or array for the size the payload announces before it reads
 * a single element, so five bytes could ask for a table of two billion slots. Every element, key, value and array
 * slot takes at least one byte of its own in an honest payload, so the sizes announced by all collections, maps
 * and object arrays of one payload may add up to no more than the payload has bytes; and a string or primitive
 * array may be no longer than the bytes left. Memory is then bounded by a small multiple of the payload's size.
 *
 * <p>A rejection is thrown as a {@link KryoException} (Kryo wraps what serializers throw); {@link #rejection()}
 * says why, for the error message.
 */
final class KryoReading {
    private final SessionInputFilter filter;
    private final long payloadBytes;
    private final ClassLoader classLoader;
    private long announced;
    private long objects;
    private String rejection;
    /** The last object a nested Java stream completed: the filter has measured it already. */
    private Object measuredByJava;

    KryoReading(long payloadBytes, ObjectInputFilter classFilter, ClassLoader classLoader) {
        this.filter = new SessionInputFilter(payloadBytes, classFilter);
        this.payloadBytes = payloadBytes;
        this.classLoader = classLoader;
    }

    ClassLoader classLoader() {
        return classLoader;
    }

    /** Why the payload was refused, or null. */
    String rejection() {
        return rejection != null ? rejection : filter.rejection();
    }

    /** Before an object at {@code depth} is read: the depth and the CPU time so far. */
    void beforeObject(int depth) {
        check(new Info(null, -1, depth, objects, 0));
    }

    /** A class named by the payload: the class filter decides, as for a class descriptor in a Java stream. */
    void classResolved(Class<?> type, int depth) {
        if (type == String.class || type.isPrimitive()) {
            return; // as in Java serialization, where strings and primitives have no class descriptor
        }
        check(new Info(type, -1, depth, objects, 0));
    }

    /** A collection, map or object array announces this many elements (keys and values counted apart). */
    void announced(long elements, Class<?> type, int depth) {
        announced += Math.max(0, elements);
        if (announced > payloadBytes) {
            throw reject("the collections and arrays read announce more than " + payloadBytes + " elements in "
                    + payloadBytes + " bytes (the last, a " + type.getName() + " of " + elements + ")");
        }
        check(new Info(type.isArray() ? type : null, elements, depth, objects, 0));
    }

    /** A string or primitive array of {@code length} elements is about to be allocated, with {@code left} bytes left. */
    void allocating(long length, int left, String what) {
        if (length > left) {
            throw reject("a " + what + " of " + length + " elements announced with " + left + " bytes left");
        }
    }

    /** An object is complete (not a reference to one read before): measure it before anything hashes it. */
    void completed(Object object) {
        objects++;
        if (object == measuredByJava) {
            measuredByJava = null;
            return;
        }
        try {
            filter.checkCompleted(object);
        } catch (InvalidObjectException e) {
            throw reject(filter.rejection());
        }
    }

    /**
     * Reads an object that {@code KryoSerializers.JavaFallback} wrote with Java serialization, under the same filter:
     * one budget of CPU time and expansion for the whole payload.
     */
    Object readJava(byte[] bytes) {
        try (ObjectInputStream in = new SessionObjectInputStream(
                new ByteArrayInputStream(bytes), classLoader, filter)) {
            Object object = in.readObject();
            measuredByJava = object;
            return object;
        } catch (ClassNotFoundException e) {
            throw new KryoException("class " + e.getMessage() + " is not visible to the web application", e);
        } catch (IOException e) {
            if (filter.rejection() != null) {
                throw reject(filter.rejection());
            }
            throw new KryoException("damaged Java-serialized object: " + e, e);
        }
    }

    private void check(ObjectInputFilter.FilterInfo info) {
        if (filter.checkInput(info) == ObjectInputFilter.Status.REJECTED) {
            throw reject(filter.rejection());
        }
    }

    private KryoException reject(String reason) {
        if (rejection == null) {
            rejection = reason;
        }
        return new KryoException(reason);
    }

    /** What the filter sees of one step of a Kryo read. */
    private record Info(Class<?> serialClass, long arrayLength, long depth, long references, long streamBytes)
            implements ObjectInputFilter.FilterInfo {
    }
}
