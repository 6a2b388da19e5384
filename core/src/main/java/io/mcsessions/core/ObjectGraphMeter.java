package io.mcsessions.core;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Measures every object of a deserialized graph as it is completed, before the object that holds it sees it: how
 * many objects a traversal of it visits when shared objects are visited once per path (its <em>expansion</em>),
 * and the longest path from it (its <em>height</em>).
 *
 * <p>Why: a hash-based collection hashes each element as it reads it, and the hash of a collection (a list, a set,
 * a map, a record, any class with a content-based {@code hashCode}) visits everything it holds, shared objects
 * once per path. A few hundred objects that share each other in layers make a hash visit 2^100 objects
 * (the "SerialDOS" graph); no limit on depth, references or classes tells it apart from an honest graph, but its
 * expansion does. Likewise a long chain of objects written side by side is shallow in the stream, yet hashing or
 * serializing it again recurses along the chain until the stack overflows; its height shows that.
 *
 * <p>Expansion follows what {@code hashCode} follows: the elements of arrays, collections and maps, and the
 * reference fields of classes that override {@code hashCode}; an object whose class keeps {@code Object}'s identity
 * hash ends a traversal. Height follows every reference. An object's measures are remembered (by identity) for
 * later references to it, unless it is small: then it counts as the largest small object wherever it is
 * referenced. Fields of JDK classes other than collections and maps cannot be read (the JDK's modules do not open
 * them) and count as no references; objects that a class builds itself while it is read, rather than reading them
 * from the stream, count as small objects, whatever they hold.
 */
final class ObjectGraphMeter {
    /** Reference fields of a class and its superclasses that reflection may read; empty where none may be. */
    private static final ClassValue<Field[]> REFERENCE_FIELDS = new ClassValue<>() {
        @Override
        protected Field[] computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive()
                            && field.trySetAccessible()) {
                        fields.add(field);
                    }
                }
            }
            return fields.toArray(new Field[0]);
        }
    };

    /** Classes whose objects hold nothing to follow: strings, the JDK's numbers, enums, primitive arrays. */
    private static final ClassValue<Boolean> LEAVES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return type == String.class || Number.class.isAssignableFrom(type) && type.getName().startsWith("java.")
                    || type == Boolean.class || type == Character.class || type.isEnum() || type == Class.class
                    || type.isArray() && type.getComponentType().isPrimitive();
        }
    };

    /** Whether a class's {@code hashCode} may depend on what its fields hold (it overrides Object's). */
    private static final ClassValue<Boolean> HASHES_CONTENT = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("hashCode").getDeclaringClass() != Object.class;
            } catch (NoSuchMethodException e) {
                return Boolean.TRUE; // cannot happen: every class has hashCode; assume the worst
            }
        }
    };

    /** Heights take the top 16 bits of a packed measure, expansions the other 48. */
    private static final int HEIGHT_SHIFT = 48;
    private static final long EXPANSION_MASK = (1L << HEIGHT_SHIFT) - 1;
    /** What an object that holds nothing measures: expansion 1, height 1. */
    private static final long LEAF = pack(1, 1);
    /**
     * Objects that measure no more than this are not remembered (most objects of a session are small, and remembering
     * each costs a table entry and a cache miss); an object that is not remembered counts as this much wherever it is
     * referenced, which is never less than it measures. Objects the stream did not complete (a class built them
     * itself, or they hold what is still being read) count as this much too.
     */
    private static final long SMALL = pack(8, 3);

    private final long maxExpansion;
    private final int maxHeight;
    /** The measures of the objects measured so far, by identity: an open-addressing table of packed longs. */
    private Object[] keys = new Object[64];
    private long[] measures = new long[64];
    private int size;
    private long largestExpansion = 1;
    private long totalExpansion;
    private int largestHeight = 1;

    /**
     * @param maxExpansion the largest expansion worth measuring exactly: sums stop there, so that measuring an
     *                     object never costs more than that many steps
     * @param maxHeight    the largest height worth measuring exactly
     */
    ObjectGraphMeter(long maxExpansion, int maxHeight) {
        this.maxExpansion = maxExpansion;
        this.maxHeight = maxHeight;
    }

    /**
     * Measures an object whose own objects have all been read and measured (the stream completes objects inside
     * out); adds its expansion to the total.
     *
     * @return false for a leaf (a string, a number, an enum...), which holds nothing and costs nothing to hash
     */
    boolean completed(Object object) {
        if (object == null || isLeaf(object.getClass())) {
            totalExpansion++;
            return false;
        }
        Sum sum = new Sum();
        boolean hashesContent = addChildren(object, sum);
        long expansion = hashesContent ? Math.min(sum.expansion, maxExpansion + 1) + 1 : 1;
        int height = Math.min(sum.height, maxHeight + 1) + 1;
        if (expansion > (SMALL & EXPANSION_MASK) || height > (SMALL >>> HEIGHT_SHIFT)) {
            put(object, pack(expansion, height));
        }
        largestExpansion = Math.max(largestExpansion, expansion);
        largestHeight = Math.max(largestHeight, height);
        totalExpansion += expansion;
        return true;
    }

    /** The largest expansion of one object measured so far. */
    long largestExpansion() {
        return largestExpansion;
    }

    /** The sum of the expansions of every object measured so far. */
    long totalExpansion() {
        return totalExpansion;
    }

    /** The largest height of one object measured so far. */
    int largestHeight() {
        return largestHeight;
    }

    private static boolean isLeaf(Class<?> type) {
        return type == String.class || type == Integer.class || type == Long.class || LEAVES.get(type);
    }

    /** What a child adds: a leaf's measures, its remembered ones, or, for an object not remembered, a small one's. */
    private final class Sum {
        long expansion;
        int height;

        void add(Object child) {
            // Most children are strings and numbers: no lookup for them (identity hashes are not free either).
            long measure = child == null || isLeaf(child.getClass()) ? LEAF : get(child);
            expansion += measure & EXPANSION_MASK;
            height = Math.max(height, (int) (measure >>> HEIGHT_SHIFT));
        }

        /** Stops a sum once it is past every bound: nothing above them needs an exact figure. */
        boolean full() {
            return expansion > maxExpansion;
        }
    }

    private static long pack(long expansion, int height) {
        return (long) height << HEIGHT_SHIFT | expansion;
    }

    private static int slot(Object key, int mask) {
        int h = System.identityHashCode(key) * 0x9E3779B9; // spread: identity hashes need not be uniform
        return (h ^ h >>> 16) & mask;
    }

    /** The remembered measure of an object, or what a small one may measure at most. */
    private long get(Object key) {
        if (size == 0) {
            return SMALL;
        }
        int mask = keys.length - 1;
        for (int i = slot(key, mask); keys[i] != null; i = i + 1 & mask) {
            if (keys[i] == key) {
                return measures[i];
            }
        }
        return SMALL;
    }

    private void put(Object key, long measure) {
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != null && keys[i] != key) {
            i = i + 1 & mask;
        }
        if (keys[i] == null) {
            size++;
        }
        keys[i] = key;
        measures[i] = measure;
    }

    private void grow() {
        Object[] oldKeys = keys;
        long[] oldMeasures = measures;
        keys = new Object[oldKeys.length * 2];
        measures = new long[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                put(oldKeys[i], oldMeasures[i]);
            }
        }
    }

    /**
     * Adds the object's children to the sum, and tells whether its hash follows them. Collections and maps are
     * read through their API (their state is in JDK fields that reflection may not read); if that fails (a lazy
     * collection of some framework that needs a database to iterate), through their fields.
     */
    private boolean addChildren(Object object, Sum sum) {
        if (object instanceof Object[] array) {
            for (int i = 0; i < array.length && !sum.full(); i++) {
                sum.add(array[i]);
            }
            return true;
        }
        try {
            if (object instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    sum.add(entry.getKey());
                    sum.add(entry.getValue());
                    if (sum.full()) {
                        break;
                    }
                }
                return true;
            }
            if (object instanceof Collection<?> collection) {
                for (Object element : collection) {
                    sum.add(element);
                    if (sum.full()) {
                        break;
                    }
                }
                return true;
            }
            if (object instanceof Map.Entry<?, ?> entry) {
                sum.add(entry.getKey());
                sum.add(entry.getValue());
                return true;
            }
        } catch (RuntimeException e) {
            sum.expansion = 0;
            sum.height = 0;
        }
        for (Field field : REFERENCE_FIELDS.get(object.getClass())) {
            try {
                sum.add(field.get(object));
            } catch (IllegalAccessException | RuntimeException e) {
                // not readable after all: counts as no reference, like the fields of JDK classes
            }
        }
        return HASHES_CONTENT.get(object.getClass());
    }
}
