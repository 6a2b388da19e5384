package io.mcsessions.core;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
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
 * later references to it. Fields of JDK classes other than collections and maps cannot be read (the JDK's modules
 * do not open them) and count as no references; so do objects that a class builds itself while it is read rather
 * than reading them from the stream.
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

    /** The measures of one object: packed to keep one map entry per object. */
    private record Measure(long expansion, int height) {
        static final Measure LEAF = new Measure(1, 1);
    }

    private final long maxExpansion;
    private final int maxHeight;
    private final IdentityHashMap<Object, Measure> measured = new IdentityHashMap<>();
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
        if (expansion > 1 || height > 1) {
            measured.put(object, new Measure(expansion, height));
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
        return type == String.class || Number.class.isAssignableFrom(type) && type.getName().startsWith("java.")
                || type == Boolean.class || type == Character.class || type.isEnum() || type == Class.class
                || type.isArray() && type.getComponentType().isPrimitive();
    }

    /** What a child adds: its remembered measures, or a leaf's (also for objects not read from the stream). */
    private final class Sum {
        long expansion;
        int height;

        void add(Object child) {
            // Most children are strings and numbers: no lookup for them (identity hashes are not free either).
            Measure measure = child == null || isLeaf(child.getClass()) ? Measure.LEAF
                    : measured.getOrDefault(child, Measure.LEAF);
            expansion += measure.expansion;
            height = Math.max(height, measure.height);
        }

        /** Stops a sum once it is past every bound: nothing above them needs an exact figure. */
        boolean full() {
            return expansion > maxExpansion;
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
