package io.mcsessions.core.internal;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The store's counters, per operation outcome; cheap to increment from many threads. */
public final class StoreCounters {

    /** What is counted. Names are exposed (lower camel case) in snapshots and over JMX. */
    public enum Counter {
        LOAD_FOUND, LOAD_ABSENT, LOAD_UNAVAILABLE,
        SAVE_STORED, SAVE_DEGRADED, SAVE_REJECTED, SAVE_UNDER_REPLICATED,
        TOUCH, INVALIDATE,
        REPAIR, UNREADABLE_VALUE, SIGNATURE_REJECTED,
        LOCK_ACQUIRED, LOCK_TIMEOUT,
        WRITE_BACK, WRITE_BACK_DROPPED;

        final String displayName() {
            StringBuilder name = new StringBuilder();
            for (String part : name().toLowerCase(Locale.ROOT).split("_")) {
                name.append(name.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
            }
            return name.toString();
        }
    }

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

    /** Every counter by its display name (e.g. {@code loadFound}), in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        counters.forEach((counter, adder) -> out.put(counter.displayName(), adder.sum()));
        return Collections.unmodifiableMap(out);
    }
}
