package io.mcsessions.tomcat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Non-sticky mode: the local copies a Tomcat keeps of the sessions it served, at most {@code maxLocalCopies}.
 * Memcached holds the sessions; a local copy saves deserializing a session whose revision did not change, and
 * serves while no node answers (degraded mode). Without a bound, behind a round-robin balancer every Tomcat would
 * end up holding every active session of the cluster, which is what storing sessions in memcached is meant to avoid.
 *
 * <p>Copies used by one request only wait in a probation part of a tenth of the bound; a copy used by a second
 * request moves to the kept part, the rest of the bound. Each part drops its least recently used copy first, a
 * kept copy falling back to probation. Crawlers and clients without cookies create a session per request; their
 * copies fill the probation part only, and never push out the copies of sessions that come back. A session whose
 * copy left probation before it came back is recognised by a fingerprint of its id (a fixed table, a few bytes per
 * copy of the bound) and kept at once.
 *
 * <p>A copy memcached lacks (its last write reached no replica) is never dropped: it is all there is of that
 * session. Dropping a copy fires no event: the session lives on in memcached.
 */
final class LocalCopies {
    private final int maxProbation;
    private final int maxKept;
    /* Session ids by last use, eldest first, in each part. Guarded by this. */
    private final LinkedHashMap<String, MemcachedSession> probation = new LinkedHashMap<>(64, 0.75f, true);
    private final LinkedHashMap<String, MemcachedSession> kept = new LinkedHashMap<>(64, 0.75f, true);
    /** Fingerprints of the ids whose copies left probation, one slot per hash, newest wins. Guarded by this. */
    private final int[] dropped;

    LocalCopies(int max) {
        int bound = Math.max(0, max);
        this.maxProbation = bound <= 1 ? bound : Math.max(1, bound / 10);
        this.maxKept = bound - maxProbation;
        this.dropped = new int[bound == 0 ? 1 : Integer.highestOneBit(Math.min(bound, 1 << 24) * 2 - 1) << 1];
    }

    /**
     * A request used this copy (created, loaded or found it); called once per request and session.
     *
     * @return the copies to drop now, eldest first; empty while within the bound
     */
    List<MemcachedSession> used(MemcachedSession session) {
        String id = session.getIdInternal();
        synchronized (this) {
            if (kept.containsKey(id)) {
                kept.put(id, session);
                return List.of();
            }
            if (probation.remove(id) != null || forgetDropped(id)) {
                kept.put(id, session);
                List<MemcachedSession> droppedNow = new ArrayList<>(0);
                Iterator<MemcachedSession> eldest = kept.values().iterator();
                while (kept.size() > maxKept && eldest.hasNext()) {
                    MemcachedSession candidate = eldest.next();
                    if (candidate != session) {
                        eldest.remove();
                        probation.put(candidate.getIdInternal(), candidate);
                    }
                }
                trimProbation(session, droppedNow);
                return droppedNow;
            }
            probation.put(id, session);
            if (probation.size() <= maxProbation) {
                return List.of();
            }
            List<MemcachedSession> droppedNow = new ArrayList<>(1);
            trimProbation(session, droppedNow);
            return droppedNow;
        }
    }

    /** The copy left this Tomcat (ended, discarded, renamed). */
    synchronized void removed(String id, MemcachedSession session) {
        if (!probation.remove(id, session)) {
            kept.remove(id, session);
        }
    }

    synchronized int size() {
        return probation.size() + kept.size();
    }

    /** Drops probation's eldest copies beyond its bound, except {@code using} and copies memcached lacks. */
    private void trimProbation(MemcachedSession using, List<MemcachedSession> droppedNow) {
        List<MemcachedSession> unsynced = List.of();
        Iterator<MemcachedSession> eldest = probation.values().iterator();
        while (probation.size() + unsynced.size() > maxProbation && eldest.hasNext()) {
            MemcachedSession candidate = eldest.next();
            if (candidate == using) {
                continue;
            }
            eldest.remove();
            if (candidate.isUnsynced()) {
                // Kept, and moved to the newest end below, so that the next trim does not walk past it again.
                unsynced = unsynced.isEmpty() ? new ArrayList<>() : unsynced;
                unsynced.add(candidate);
            } else {
                droppedNow.add(candidate);
                rememberDropped(candidate.getIdInternal());
            }
        }
        for (MemcachedSession copy : unsynced) {
            probation.put(copy.getIdInternal(), copy);
        }
    }

    private void rememberDropped(String id) {
        int fingerprint = fingerprint(id);
        dropped[fingerprint & (dropped.length - 1)] = fingerprint;
    }

    private boolean forgetDropped(String id) {
        int fingerprint = fingerprint(id);
        int slot = fingerprint & (dropped.length - 1);
        if (dropped[slot] != fingerprint) {
            return false;
        }
        dropped[slot] = 0;
        return true;
    }

    /** Never 0, the empty slot. */
    private static int fingerprint(String id) {
        int h = id.hashCode() * 0x9E3779B9;
        h ^= h >>> 16;
        return h == 0 ? 1 : h;
    }
}
