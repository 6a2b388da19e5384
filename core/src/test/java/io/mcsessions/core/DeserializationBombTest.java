package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.SerializationBombs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectOutputStream;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Small payloads whose reading costs exponential CPU (hash-collision and nested-collection "bombs") are refused
 * within a bounded time, with a class filter that lets their JDK classes through: the class filter is not what
 * stops them.
 */
class DeserializationBombTest {
    private static final ObjectInputFilter STRICT = ObjectInputFilter.Config.createFilter("java.**;!*");
    /** CPU time of the reading thread: the limits stop the structural bombs long before this. */
    private static final long STRUCTURAL_CPU_MILLIS = 1_000;

    private final JavaSessionSerializer strict = new JavaSessionSerializer(STRICT);

    @Test
    void nestedHashSetsOfAHundredLevelsAreRefusedInBoundedTime() throws IOException {
        byte[] payload = strict.serialize(Map.of("bomb", SerializationBombs.nestedHashSets(100)));
        assertTrue(payload.length > 5_000 && payload.length < 6_500, "about 5.7 KB, as reported: " + payload.length);

        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("the deserialization filter rejected the session: an object expands "
                + "to more than 1000000 objects through shared references"), refused.getMessage());
    }

    @Test
    void aChainOfSharedListsInsideOneSetIsRefusedInBoundedTime() throws IOException {
        // One hash-based collection, one level deep: a limit on the nesting of hash-based collections misses this.
        byte[] payload = strict.serialize(Map.of("bomb", SerializationBombs.listChainInASet(100)));

        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("the deserialization filter rejected the session: an object expands "
                + "to more than 1000000 objects through shared references"), refused.getMessage());
    }

    @Test
    void manySmallSetsSharingOneLargeGraphAreRefusedInBoundedTime() throws IOException {
        // Each small set is harmless on its own; together they make the outer set hash the shared graph 20,000 times.
        byte[] payload = strict.serialize(Map.of("bomb", SerializationBombs.manySetsSharingOneGraph(16, 20_000)));

        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("the deserialization filter rejected the session: the objects read "
                + "expand to more than " + 64 * payload.length + " objects through shared references"),
                refused.getMessage());
    }

    @Test
    void aLongChainWrittenSideBySideIsRefusedBeforeItsHashOverflowsTheStack() throws IOException {
        // A stream only four levels deep; the hash of the set's element recurses 20,000 lists down.
        byte[] payload = strict.serialize(Map.of("chain", SerializationBombs.chainWrittenSideBySide(20_000)));

        IOException refused = refused(payload, STRUCTURAL_CPU_MILLIS);
        assertTrue(refused.getMessage().contains("the deserialization filter rejected the session: a path through "
                + "the object graph longer than 200 objects"), refused.getMessage());
    }

    @Test
    void aSetThatNamesOneLargeGraphThousandsOfTimesRunsOutOfCpuTime() throws IOException {
        // Every count stays small (the set reads the same object again and again, and keeps it once): only the CPU
        // time it takes shows.
        Object shared = SerializationBombs.listChainInASet(15).iterator().next();
        Set<Object> placeholders = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            placeholders.add(new SerializationBombs.Placeholder());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = SerializationBombs.writingPlaceholdersAs(bytes, shared)) {
            out.writeInt(1); // the serializer's framing: one attribute
            out.writeUTF("bomb");
            out.writeObject(placeholders);
        }
        byte[] payload = bytes.toByteArray();

        IOException refused = refused(payload, 250 + payload.length / 1000 + 1_000);
        assertTrue(refused.getMessage().contains("the deserialization filter rejected the session: reading took more "
                + "than " + (250 + payload.length / 1000) + " ms of CPU time"), refused.getMessage());
    }

    @Test
    void aSetOfDistinctListsWithOneHashCodeRunsOutOfCpuTime() throws IOException {
        // Hash collisions: nothing shared, nothing deep, each count small; the cost is quadratic in the set's size.
        byte[] payload = strict.serialize(Map.of("bomb", SerializationBombs.equalHashListsInOneSet(15_000)));

        IOException refused = refused(payload, 250 + payload.length / 1000 + 1_000);
        assertTrue(refused.getMessage().contains("the deserialization filter rejected the session: reading took more "
                + "than " + (250 + payload.length / 1000) + " ms of CPU time"), refused.getMessage());
    }

    private IOException refused(byte[] payload, long maxCpuMillis) {
        return Refusals.refused(strict, payload, maxCpuMillis);
    }
}
