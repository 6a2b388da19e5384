package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import io.mcsessions.testing.SerializationBombs;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Hostile Kryo payloads, crafted as someone who can write to memcached would craft them, are refused quickly with an
 * IOException: never a hang, a StackOverflowError or an OutOfMemoryError. The class filter lets their JDK classes
 * through: it is not what stops them.
 */
class KryoHostilePayloadTest {
    private static final ObjectInputFilter STRICT = ObjectInputFilter.Config.createFilter("java.**;!*");
    private static final long STRUCTURAL_CPU_MILLIS = 1_000;

    private final KryoSessionSerializer strict = new KryoSessionSerializer(STRICT);

    @Test
    void aCollectionAnnouncingTwoBillionElementsInAFewBytesIsRefusedBeforeItIsAllocated() {
        // Kryo would call new ArrayList(2147483646): 8 GB of references for a 40-byte payload.
        byte[] payload = crafted(out -> {
            writeClassName(out, "java.util.ArrayList", 0);
            out.writeVarInt(Kryo.NOT_NULL, true); // a new object, not a reference
            out.writeVarIntFlag(false, Integer.MAX_VALUE, true); // elements of mixed types; length + 1
        });
        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("the deserialization filter rejected the session: the collections and "
                + "arrays read announce more than"), refused.getMessage());
    }

    @Test
    void nestedCollectionsThatEachAnnounceNearlyThePayloadAreRefusedTogether() {
        // Each list alone announces fewer elements than the payload has bytes; Kryo allocates each before reading
        // its first element, so 200 of them in a 1 MB payload would allocate 200 tables of a million slots.
        int levels = 50;
        int announced = 200;
        byte[] payload = crafted(out -> {
            writeClassName(out, "java.util.ArrayList", 0);
            for (int level = 0; level < levels; level++) {
                if (level > 0) {
                    out.writeVarInt(DefaultClassResolver.NAME + 2, true);
                    out.writeVarInt(0, true); // the class name written first, by its id
                }
                out.writeVarInt(Kryo.NOT_NULL, true);
                out.writeVarIntFlag(false, announced + 1, true);
            }
        });
        assertTrue(payload.length > announced, "each list announces less than the payload's " + payload.length);
        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("the collections and arrays read announce more than "
                + (payload.length - 4) + " elements"), refused.getMessage());
    }

    @Test
    void aStringAnnouncingTwoBillionCharactersIsRefusedBeforeItIsAllocated() {
        byte[] payload = crafted(out -> {
            writeClassName(out, "java.lang.StringBuilder", 0);
            out.writeVarInt(Kryo.NOT_NULL, true);
            out.writeVarIntFlag(true, Integer.MAX_VALUE, true); // UTF-8, 2147483646 characters
        });
        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("a string of 2147483646 elements announced with"),
                refused.getMessage());
    }

    @Test
    void anArrayAnnouncingMoreSlotsThanBytesIsRefused() {
        byte[] payload = crafted(out -> {
            writeClassName(out, "[Ljava.lang.Object;", 0);
            out.writeVarInt(Kryo.NOT_NULL, true);
            out.writeVarInt(Integer.MAX_VALUE, true);
        });
        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("announce more than"), refused.getMessage());
    }

    @Test
    void aThousandNestedListsAreRefusedWithoutOverflowingTheStack() {
        List<Object> deep = new ArrayList<>();
        List<Object> innermost = deep;
        for (int i = 0; i < 1_000; i++) {
            List<Object> next = new ArrayList<>();
            innermost.add(next);
            innermost = next;
        }
        byte[] payload = craftedWithPlainKryo(deep);
        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("the deserialization filter rejected the session: object graph deeper "
                + "than 200"), refused.getMessage());
    }

    @Test
    void nestedHashSetsOfAHundredLevelsAreRefusedInBoundedTime() throws IOException {
        byte[] payload = strict.serialize(Map.of("bomb", SerializationBombs.nestedHashSets(100)));
        assertTrue(payload.length < 5_000, "a few KB: " + payload.length);
        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("the deserialization filter rejected the session: an object expands "
                + "to more than 1000000 objects through shared references"), refused.getMessage());
    }

    @Test
    void aChainOfSharedListsInsideOneSetIsRefusedInBoundedTime() throws IOException {
        byte[] payload = strict.serialize(Map.of("bomb", SerializationBombs.listChainInASet(100)));
        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("an object expands to more than 1000000 objects"),
                refused.getMessage());
    }

    @Test
    void aSetOfDistinctListsWithOneHashCodeRunsOutOfCpuTime() throws IOException {
        byte[] payload = strict.serialize(Map.of("bomb", SerializationBombs.equalHashListsInOneSet(15_000)));
        long budget = SessionInputFilter.CPU_MILLIS_BASE + (payload.length - 4) / 1000;
        IOException refused = refused(payload, budget + 1_000);
        assertTrue(refused.getMessage().contains("reading took more than " + budget + " ms of CPU time"),
                refused.getMessage());
    }

    @Test
    void theCraftedEncodingIsKryosOwn() throws IOException {
        // The hand-written payloads above follow Kryo's format: the same header as Kryo writes for an honest list.
        byte[] written = new KryoSessionSerializer().serialize(Map.of("bomb", new ArrayList<>(List.of(1L, "a"))));
        byte[] crafted = crafted(out -> {
            writeClassName(out, "java.util.ArrayList", 0);
            out.writeVarInt(Kryo.NOT_NULL, true);
            out.writeVarIntFlag(false, 3, true); // two elements of different classes
        });
        assertArrayEquals(crafted, Arrays.copyOf(written, crafted.length));
    }

    /** The serializer's framing (magic, one attribute named "bomb") around a value written by {@code value}. */
    private static byte[] crafted(Consumer<Output> value) {
        Output out = new Output(64, -1);
        out.writeBytes(PayloadFormats.KRYO_MAGIC);
        out.writeVarInt(1, true);
        out.writeString("bomb");
        value.accept(out);
        return out.toBytes();
    }

    /** A class written by name, as Kryo writes an unregistered class the first time it appears. */
    private static void writeClassName(Output out, String className, int nameId) {
        out.writeVarInt(DefaultClassResolver.NAME + 2, true);
        out.writeVarInt(nameId, true);
        out.writeString(className);
    }

    /** A graph written by a Kryo without our limits (what a hostile writer would use). */
    private static byte[] craftedWithPlainKryo(Object graph) {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        Output out = new Output(64, -1);
        out.writeBytes(PayloadFormats.KRYO_MAGIC);
        out.writeVarInt(1, true);
        out.writeString("bomb");
        kryo.writeClassAndObject(out, graph);
        return out.toBytes();
    }

    private IOException refused(byte[] payload, long maxCpuMillis) {
        return Refusals.refused(strict, payload, maxCpuMillis);
    }
}
