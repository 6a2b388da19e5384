package io.mcsessions.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A snapshot of a store, for JMX, status pages and metrics.
 *
 * <pre>{@code
 * long repaired = store.stats().count(StoreStats.Counter.REPAIR);
 * }</pre>
 *
 * @param store             the store's name
 * @param degraded          whether no node is up (sessions live only in the container)
 * @param counts            every {@link Counter} and its value since the store started; a counter missing from the
 *                          map given is 0
 * @param nodes             every configured node
 * @param pendingWriteBacks sessions saved while degraded, to be written when a node returns
 */
public record StoreStats(String store, boolean degraded, Map<Counter, Long> counts, List<NodeStatus> nodes,
                         int pendingWriteBacks) {

    /**
     * What a store counts, per operation outcome. Each has a {@link #displayName() display name} in lower camel
     * case (e.g. {@code loadFound}), the key of {@link #counters()} for JMX and status pages.
     */
    public enum Counter {
        /** A load that found the session. */
        LOAD_FOUND,
        /** A load that found no session, or an ended one. */
        LOAD_ABSENT,
        /** A load that no node could answer. */
        LOAD_UNAVAILABLE,
        /** A save that at least one node acknowledged. */
        SAVE_STORED,
        /** A save that no node took: none was up, or none answered in time. */
        SAVE_DEGRADED,
        /** A save refused because the value is larger than the nodes store. */
        SAVE_REJECTED,
        /** A stored save that fewer nodes than the redundancy acknowledged. */
        SAVE_UNDER_REPLICATED,
        /** An expiry refresh without a rewrite. */
        TOUCH,
        /** A session ended. */
        INVALIDATE,
        /** A stale or missing copy rewritten after a read. */
        REPAIR,
        /** A value under a session key that could not be read and was ignored. */
        UNREADABLE_VALUE,
        /** A value under a session key ignored because its signature did not verify. */
        SIGNATURE_REJECTED,
        /** A session lock obtained. */
        LOCK_ACQUIRED,
        /** A session lock not obtained within the lock wait timeout. */
        LOCK_TIMEOUT,
        /** A session kept during an outage and written back after it. */
        WRITE_BACK,
        /** A session saved during an outage and not kept for write-back, because too many were waiting. */
        WRITE_BACK_DROPPED;

        private final String displayName = lowerCamelCase(name());

        /** The name in lower camel case, e.g. {@code loadFound} for {@link #LOAD_FOUND}. */
        public String displayName() {
            return displayName;
        }

        private static String lowerCamelCase(String constant) {
            StringBuilder name = new StringBuilder();
            for (String part : constant.toLowerCase(Locale.ROOT).split("_")) {
                name.append(name.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
            }
            return name.toString();
        }
    }

    /** Copies {@code counts} with every counter present (0 where it was missing). */
    public StoreStats {
        EnumMap<Counter, Long> all = new EnumMap<>(Counter.class);
        for (Counter counter : Counter.values()) {
            all.put(counter, counts.getOrDefault(counter, 0L));
        }
        counts = Collections.unmodifiableMap(all);
        nodes = List.copyOf(nodes);
    }

    /** The value of {@code counter}. */
    public long count(Counter counter) {
        return counts.get(counter);
    }

    /**
     * Every counter by its {@link Counter#displayName() display name} (e.g. {@code loadFound}), in the order of
     * {@link Counter}: what JMX and status pages show.
     */
    public Map<String, Long> counters() {
        Map<String, Long> byName = new LinkedHashMap<>();
        counts.forEach((counter, value) -> byName.put(counter.displayName(), value));
        return Collections.unmodifiableMap(byName);
    }
}
