package io.mcsessions.tomcat;

/**
 * Fingerprints (32-bit hashes) of the last {@code capacity} session ids whose local copies were dropped, exactly:
 * an id dropped within the last {@code capacity} drops is always found, an older one never, another id only when
 * its fingerprint is equal (about {@code capacity} in 2^32). Two arrays allocated once, so memory does not grow with
 * the sessions: the fingerprints in drop order (a ring), and an open-addressed table of them for look-ups. Not
 * thread-safe: {@link LocalCopies} guards it.
 */
final class DroppedIds {
    private static final int EMPTY = 0;

    /** Fingerprints in drop order; {@code next} is the oldest once the ring is full (no slot {@link #EMPTY}). */
    private final int[] ring;
    private int next;
    /** Linear probing, at most half full; a fingerprint dropped twice is in it twice. */
    private final int[] table;
    private final int mask;

    DroppedIds(int capacity) {
        ring = new int[Math.max(1, capacity)];
        table = new int[Integer.highestOneBit(ring.length) << 2];
        mask = table.length - 1;
    }

    void add(String id) {
        int fingerprint = fingerprint(id);
        if (ring[next] != EMPTY) {
            removeFromTable(ring[next]);
        }
        ring[next] = fingerprint;
        next = next + 1 == ring.length ? 0 : next + 1;
        int slot = home(fingerprint);
        while (table[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        table[slot] = fingerprint;
    }

    boolean contains(String id) {
        int fingerprint = fingerprint(id);
        for (int slot = home(fingerprint); table[slot] != EMPTY; slot = (slot + 1) & mask) {
            if (table[slot] == fingerprint) {
                return true;
            }
        }
        return false;
    }

    /** Removes one occurrence, then moves later entries of the probe run back so that every look-up still finds them. */
    private void removeFromTable(int fingerprint) {
        int hole = home(fingerprint);
        while (table[hole] != fingerprint) {
            hole = (hole + 1) & mask; // present: the ring and the table hold the same entries
        }
        for (int slot = (hole + 1) & mask; table[slot] != EMPTY; slot = (slot + 1) & mask) {
            int home = home(table[slot]);
            // The entry may fill the hole unless its home lies cyclically in (hole, slot].
            boolean homeAfterHole = hole <= slot ? (home > hole && home <= slot) : (home > hole || home <= slot);
            if (!homeAfterHole) {
                table[hole] = table[slot];
                hole = slot;
            }
        }
        table[hole] = EMPTY;
    }

    private int home(int fingerprint) {
        return (fingerprint ^ (fingerprint >>> 15)) & mask;
    }

    /** Never {@link #EMPTY}. */
    private static int fingerprint(String id) {
        int h = id.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        return h == EMPTY ? 1 : h;
    }
}
