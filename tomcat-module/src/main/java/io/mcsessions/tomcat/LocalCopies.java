package io.mcsessions.tomcat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Non-sticky mode: the local copies a Tomcat keeps of the sessions it served, least recently used dropped first
 * beyond {@code maxLocalCopies}. Memcached holds the sessions; a local copy saves deserializing a session whose
 * revision did not change, and serves while no node answers (degraded mode). Without a bound, behind a round-robin
 * balancer every Tomcat would end up holding every active session of the cluster, which is what storing sessions
 * in memcached is meant to avoid.
 *
 * <p>A copy memcached lacks (its last write reached no replica) is never dropped: it is all there is of that
 * session. Dropping a copy fires no event: the session lives on in memcached.
 */
final class LocalCopies {
    private final int max;
    /** Session ids by last use, eldest first. Guarded by this. */
    private final LinkedHashMap<String, MemcachedSession> byUse = new LinkedHashMap<>(64, 0.75f, true);

    LocalCopies(int max) {
        this.max = max;
    }

    /**
     * A request used this copy (created, loaded or found it).
     *
     * @return the copies to drop now, eldest first; empty while within the bound
     */
    List<MemcachedSession> used(MemcachedSession session) {
        synchronized (this) {
            byUse.put(session.getIdInternal(), session);
            if (byUse.size() <= max) {
                return List.of();
            }
            List<MemcachedSession> dropped = new ArrayList<>();
            Iterator<MemcachedSession> eldest = byUse.values().iterator();
            while (byUse.size() - dropped.size() > max && eldest.hasNext()) {
                MemcachedSession candidate = eldest.next();
                if (candidate != session && !candidate.isUnsynced()) {
                    eldest.remove();
                    dropped.add(candidate);
                }
            }
            return dropped;
        }
    }

    /** The copy left this Tomcat (ended, discarded, renamed). */
    synchronized void removed(String id, MemcachedSession session) {
        byUse.remove(id, session);
    }

    synchronized int size() {
        return byUse.size();
    }
}
