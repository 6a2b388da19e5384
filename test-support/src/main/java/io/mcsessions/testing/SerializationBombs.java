package io.mcsessions.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Object graphs that are small when serialized but cost exponential CPU when read back, made only of JDK classes
 * that any deserialization filter allowing {@code java.**} lets through. Reading them is harmless for the graph
 * itself; the cost is in {@code hashCode}: a hash-based collection hashes each element as it is read, and the hash
 * of a collection visits every path through the objects it shares.
 */
public final class SerializationBombs {

    private SerializationBombs() {
    }

    /**
     * The "SerialDOS" graph (Wouter Coekaerts, 2015): {@code levels} levels of two {@link HashSet}s, each holding
     * both sets of the next level. 100 levels serialize to about 5.7 KB with about 500 references, and hashing the
     * root visits 2^100 sets.
     */
    public static Set<Object> nestedHashSets(int levels) {
        Set<Object> root = new HashSet<>();
        Set<Object> left = root;
        Set<Object> right = new HashSet<>();
        for (int i = 0; i < levels; i++) {
            Set<Object> nextLeft = new HashSet<>();
            Set<Object> nextRight = new HashSet<>();
            nextLeft.add("foo"); // keeps the two sets of a level unequal, so a set holds both
            left.add(nextLeft);
            left.add(nextRight);
            right.add(nextLeft);
            right.add(nextRight);
            left = nextLeft;
            right = nextRight;
        }
        return root;
    }

    /**
     * The same blow-up without nested hash-based collections: {@code levels} {@link ArrayList}s, each holding the
     * next one twice, and the first one in a {@link HashSet}. Only one collection is hash-based and it is one
     * level deep; hashing its element visits 2^levels lists.
     */
    public static Set<Object> listChainInASet(int levels) {
        List<Object> top = new ArrayList<>();
        Set<Object> set = new HashSet<>();
        set.add(top); // while empty: building the graph must not pay for its hash (sets do not rehash on change)
        fillWithChain(top, levels);
        return set;
    }

    /**
     * Many small sets that each share one big subgraph: every small set stays under any per-object bound, but the
     * outer set hashes the big subgraph once per small set. The shared subgraph is a {@link #listChainInASet}
     * chain of {@code sharedLevels} levels (2^sharedLevels lists to visit); {@code copies} is the number of small
     * sets.
     */
    public static Set<Object> manySetsSharingOneGraph(int sharedLevels, int copies) {
        List<Object> shared = new ArrayList<>();
        Set<Object> outer = new HashSet<>();
        for (int i = 0; i < copies; i++) {
            Set<Object> small = new HashSet<>();
            small.add(i);
            small.add(shared);
            outer.add(small);
        }
        fillWithChain(shared, sharedLevels); // after the sets hashed it while empty, as above
        return outer;
    }

    /**
     * A chain of {@code length} lists, each holding the one before, written side by side in an array (so the stream
     * is only a few levels deep), followed by a set whose element holds the last list: hashing that element recurses
     * along the whole chain. From about 5,000 lists that overflows the reading thread's stack.
     */
    public static Object[] chainWrittenSideBySide(int length) {
        Object[] lists = new Object[length];
        List<Object> previous = new ArrayList<>();
        lists[0] = previous;
        for (int i = 1; i < length; i++) {
            List<Object> next = new ArrayList<>(1);
            next.add(previous);
            lists[i] = next;
            previous = next;
        }
        List<Object> holder = new ArrayList<>();
        Set<Object> set = new HashSet<>();
        set.add(holder); // while empty, as above
        holder.add(previous);
        return new Object[] {lists, set};
    }

    /**
     * One set of {@code count} distinct two-element lists that all have the same hash code ({@code [i, -31 * i]}
     * hashes to 961): every list lands in one bucket, and since lists are not {@code Comparable}, each one added
     * is compared with every one before it. Nothing is shared and nothing is deep; reading costs count^2 / 2
     * comparisons (20,000 lists: about 740 KB, several seconds).
     */
    public static Set<Object> equalHashListsInOneSet(int count) {
        List<List<Object>> lists = new ArrayList<>(count);
        Set<Object> set = new HashSet<>();
        for (int i = 0; i < count; i++) {
            List<Object> list = new ArrayList<>(2);
            list.add(i);
            lists.add(list);
            set.add(list); // while their hashes still differ, as above
        }
        for (int i = 0; i < count; i++) {
            lists.get(i).add(-31 * i);
        }
        return set;
    }

    /** Stands for the shared object in a collection written by {@link #writingPlaceholdersAs}. */
    public static final class Placeholder implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * An object stream that writes {@code shared} wherever a {@link Placeholder} is written: a set of n placeholders
     * becomes a set that names one object n times. No real set writes that (a set holds an object once), but a
     * reader accepts it and hashes the shared object n times; the set it builds holds one element.
     */
    public static ObjectOutputStream writingPlaceholdersAs(OutputStream out, Object shared)
            throws IOException {
        return new ObjectOutputStream(out) {
            {
                enableReplaceObject(true);
            }

            @Override
            protected Object replaceObject(Object object) {
                return object instanceof Placeholder ? shared : object;
            }
        };
    }

    /** Makes {@code top} the head of a chain of {@code levels} lists, each holding the next one twice. */
    private static void fillWithChain(List<Object> top, int levels) {
        List<Object> inner = new ArrayList<>(List.of("end"));
        for (int i = 1; i < levels; i++) {
            List<Object> outer = new ArrayList<>(2);
            outer.add(inner);
            outer.add(inner);
            inner = outer;
        }
        top.add(inner);
        top.add(inner);
    }

    /** Java serialization of one object, as {@code ObjectOutputStream.writeObject} writes it. */
    public static byte[] serialize(Object graph) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(graph);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
