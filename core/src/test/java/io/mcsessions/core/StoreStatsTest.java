package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.core.StoreStats.Counter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreStatsTest {

    @Test
    void everyCounterHasAValueAndADisplayNameForJmxAndStatusPages() {
        StoreStats stats = new StoreStats("/app", false, Map.of(Counter.REPAIR, 3L), List.of(), 0);
        assertEquals(3, stats.count(Counter.REPAIR));
        assertEquals(0, stats.count(Counter.LOAD_FOUND), "a counter missing from the snapshot is 0");
        assertEquals(Counter.values().length, stats.counters().size());
        assertEquals("loadFound", stats.counters().keySet().iterator().next(), "in the order of the enum");
        assertEquals(3L, stats.counters().get("repair"));
        assertEquals("saveUnderReplicated", Counter.SAVE_UNDER_REPLICATED.displayName());
        assertEquals("writeBackDropped", Counter.WRITE_BACK_DROPPED.displayName());
    }
}
