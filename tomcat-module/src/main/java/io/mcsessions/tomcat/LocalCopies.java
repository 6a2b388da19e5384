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
 * copy left probation before it came back is recognised by a fingerprint of its id, as long as it is one of the last
 * {@code maxLocalCopies} ids dropped ({@link DroppedIds}: two arrays allocated once, 168 KB at the
 * default bound), and kept at once.
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
    /** The ids whose copies left probation last, as many as the bound. Guarded by this. */
    private final DroppedIds dropped;

    LocalCopies(int max) {
        int bound = Math.max(0, max);
        this.maxProbation = bound <= 1 ? bound : Math.max(1, bound / 10);
        this.maxKept = bound - maxProbation;
        this.dropped = new DroppedIds(bound);
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
            // With a bound below 2 there is no kept part: every copy stays in probation.
            if (maxKept > 0 && (probation.remove(id) != null || dropped.contains(id))) {
                kept.put(id, session);
                Iterator<MemcachedSession> eldest = kept.values().iterator();
                while (kept.size() > maxKept) { // the session, newest, is never reached
                    MemcachedSession demoted = eldest.next();
                    eldest.remove();
                    probation.put(demoted.getIdInternal(), demoted);
                }
            } else {
                probation.put(id, session);
            }
            return trimProbation(session);
        }
    }

    /** The copy left this Tomcat (ended, discarded, renamed). */
    synchronized void removed(String id, MemcachedSession session) {
        if (!probation.remove(id, session)) {
            kept.remove(id, session);
        }
    }

    /**
     * Drops probation's eldest copies beyond its bound, except {@code using} and copies memcached lacks.
     *
     * @return the copies dropped, eldest first
     */
    private List<MemcachedSession> trimProbation(MemcachedSession using) {
        if (probation.size() <= maxProbation) {
            return List.of();
        }
        List<MemcachedSession> droppedNow = new ArrayList<>(1);
        List<MemcachedSession> unsynced = new ArrayList<>(0);
        Iterator<MemcachedSession> eldest = probation.values().iterator();
        while (probation.size() + unsynced.size() > maxProbation && eldest.hasNext()) {
            MemcachedSession candidate = eldest.next();
            if (candidate == using) {
                continue;
            }
            eldest.remove();
            if (candidate.isUnsynced()) {
                unsynced.add(candidate); // kept, at the newest end, so that the next trim does not walk past it
            } else {
                droppedNow.add(candidate);
                dropped.add(candidate.getIdInternal());
            }
        }
        for (MemcachedSession copy : unsynced) {
            probation.put(copy.getIdInternal(), copy);
        }
        return droppedNow;
    }
}
