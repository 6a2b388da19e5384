package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dropped-id memory of {@link LocalCopies}: exactly the last {@code capacity} ids, against a plain model. The
 * timeout turns a table that is never emptied (its inserts would then probe forever) into a failure.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DroppedIdsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 20, 1000})
    void holdsExactlyTheLastCapacityIds(int capacity) {
        DroppedIds dropped = new DroppedIds(capacity);
        Deque<String> order = new ArrayDeque<>();
        Map<String, Integer> held = new HashMap<>();
        Random random = new Random(capacity);
        int universe = capacity * 3 + 5; // ids come back: the same id is dropped again while still held
        for (int step = 0; step < 20_000; step++) {
            String id = "session-" + random.nextInt(universe);
            dropped.add(id);
            order.addLast(id);
            held.merge(id, 1, Integer::sum);
            if (order.size() > capacity) {
                held.computeIfPresent(order.removeFirst(), (oldest, count) -> count == 1 ? null : count - 1);
            }
            boolean sweep = step % 997 == 0;
            for (int i = 0; i < (sweep ? universe : 8); i++) {
                String candidate = "session-" + (sweep ? i : random.nextInt(universe));
                assertEquals(held.containsKey(candidate), dropped.contains(candidate),
                        candidate + " after " + (step + 1) + " drops");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 20})
    void anIdDroppedOnceIsFoundUntilCapacityMoreWereDropped(int capacity) {
        DroppedIds dropped = new DroppedIds(capacity);
        dropped.add("returning");
        for (int i = 0; i < capacity - 1; i++) {
            dropped.add("one-shot-" + i);
            assertTrue(dropped.contains("returning"), "after " + (i + 1) + " newer drops");
        }
        dropped.add("one-shot-last");
        assertFalse(dropped.contains("returning"));
    }
}
