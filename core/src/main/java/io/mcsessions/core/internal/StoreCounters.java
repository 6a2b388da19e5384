package io.mcsessions.core.internal;

import io.mcsessions.core.StoreStats.Counter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The store's counters, per operation outcome ({@link Counter}); cheap to increment from many threads. */
public final class StoreCounters {

    private final EnumMap<Counter, LongAdder> counters = new EnumMap<>(Counter.class);

    public StoreCounters() {
        for (Counter c : Counter.values()) {
            counters.put(c, new LongAdder());
        }
    }

    public void increment(Counter counter) {
        counters.get(counter).increment();
    }

    public long get(Counter counter) {
        return counters.get(counter).sum();
    }

    /** Every counter and its value now. */
    public Map<Counter, Long> snapshot() {
        Map<Counter, Long> out = new EnumMap<>(Counter.class);
        counters.forEach((counter, adder) -> out.put(counter, adder.sum()));
        return out;
    }
}
