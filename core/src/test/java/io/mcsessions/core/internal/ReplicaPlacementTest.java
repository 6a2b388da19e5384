package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaPlacementTest {
    private static final List<String> IDS = List.of("n1", "n2", "n3", "n4");

    @Test
    void theOrderIsDeterministicAndContainsEveryNode() {
        ReplicaPlacement<String> a = new ReplicaPlacement<>(IDS, IDS);
        ReplicaPlacement<String> b = new ReplicaPlacement<>(IDS, IDS);
        for (int i = 0; i < 1000; i++) {
            List<String> order = a.preferenceList("session-" + i);
            assertEquals(order, b.preferenceList("session-" + i));
            assertEquals(4, order.stream().distinct().count());
        }
    }

    @Test
    void primariesSpreadEvenly() {
        ReplicaPlacement<String> placement = new ReplicaPlacement<>(IDS, IDS);
        Map<String, Integer> primaries = new HashMap<>();
        for (int i = 0; i < 40_000; i++) {
            primaries.merge(placement.preferenceList("s" + i).get(0), 1, Integer::sum);
        }
        primaries.values().forEach(count -> assertTrue(count > 9000 && count < 11000, primaries.toString()));
    }

    @Test
    void removingANodeMovesOnlyTheKeysItHeld() {
        ReplicaPlacement<String> four = new ReplicaPlacement<>(IDS, IDS);
        List<String> three = List.of("n1", "n2", "n4");
        ReplicaPlacement<String> withoutN3 = new ReplicaPlacement<>(three, three);
        for (int i = 0; i < 5000; i++) {
            List<String> before = four.preferenceList("k" + i);
            List<String> expected = before.stream().filter(n -> !n.equals("n3")).toList();
            assertEquals(expected, withoutN3.preferenceList("k" + i));
        }
    }
}
