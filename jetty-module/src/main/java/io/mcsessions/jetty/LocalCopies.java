package io.mcsessions.jetty;

import io.mcsessions.core.SessionRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last copy of each session this instance wrote or loaded, least recently used dropped first beyond a bound.
 *
 * <p>Two jobs. With every memcached node unreachable, a {@code NullSessionCache} has nothing in memory: these
 * copies are what lets the instance that served a session keep serving it (degraded mode). And memcached cannot
 * list its keys: these copies are the sessions this instance manages, so the scavenger can find the ones that
 * expired here and call their listeners.
 */
final class LocalCopies {

    /**
     * One session as this instance last wrote or read it.
     *
     * @param record       the session as stored
     * @param expiry       when it expires, epoch milliseconds; 0 for never
     * @param acknowledged whether memcached is known to hold it (false: no replica took it, yet)
     */
    record Copy(SessionRecord record, long expiry, boolean acknowledged) {
        long revision() {
            return record.revision();
        }

        boolean isExpiredAt(long time) {
            return expiry > 0 && expiry <= time;
        }
    }

    private final int maxCopies;
    private final Map<String, Copy> copies;

    LocalCopies(int maxCopies) {
        this.maxCopies = Math.max(0, maxCopies);
        this.copies = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Copy> eldest) {
                return size() > LocalCopies.this.maxCopies;
            }
        };
    }

    /** Keeps this copy unless a newer one of the same session is already kept. */
    synchronized void remember(SessionRecord record, long expiry, boolean acknowledged) {
        if (maxCopies == 0) {
            return;
        }
        Copy kept = copies.get(record.id());
        if (kept == null || kept.revision() <= record.revision()) {
            copies.put(record.id(), new Copy(record, expiry, acknowledged));
        }
    }

    /** A replica took this revision of the session. */
    synchronized void acknowledge(String id, long revision) {
        Copy kept = copies.get(id);
        if (kept != null && kept.revision() == revision && !kept.acknowledged()) {
            copies.put(id, new Copy(kept.record(), kept.expiry(), true));
        }
    }

    synchronized Copy get(String id) {
        return copies.get(id);
    }

    synchronized Copy remove(String id) {
        return copies.remove(id);
    }

    /** Forgets the copy if it is not newer than {@code revision}: someone else has taken the session over. */
    synchronized void forgetUpTo(String id, long revision) {
        Copy kept = copies.get(id);
        if (kept != null && kept.revision() <= revision) {
            copies.remove(id);
        }
    }

    /** The ids of the kept sessions that had expired at {@code time}, by what this instance knows. */
    synchronized List<String> expiredAt(long time) {
        List<String> expired = new ArrayList<>();
        copies.forEach((id, copy) -> {
            if (copy.isExpiredAt(time)) {
                expired.add(id);
            }
        });
        return expired;
    }

    synchronized int size() {
        return copies.size();
    }

    synchronized void clear() {
        copies.clear();
    }
}
