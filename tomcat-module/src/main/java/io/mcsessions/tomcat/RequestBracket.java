package io.mcsessions.tomcat;

import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.SessionIds;
import io.mcsessions.core.SessionLock;
import io.mcsessions.core.StoreConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.apache.catalina.Session;
import org.apache.catalina.connector.Request;

/**
 * What {@link SessionReplicationValve} does around each request of one started context: leaves ignored URIs
 * alone, takes the session's lock when {@code lockingMode} asks for it, moves a failed-over sticky session to this
 * Tomcat's route, and at the end writes or touches every session the request used, then releases the lock.
 * One instance per manager start: it holds that start's store and settings.
 */
final class RequestBracket {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.tomcat.MemcachedSessionManager");

    private final MemcachedSessionManager manager;
    private final StoreConfig config;
    private final ReplicatedSessionStore store;
    private final SessionReplicator replicator;
    private final Duration lockWait;

    RequestBracket(MemcachedSessionManager manager, ReplicatedSessionStore store, SessionReplicator replicator,
                   Duration lockWait) {
        this.manager = manager;
        this.config = store.config();
        this.store = store;
        this.replicator = replicator;
        this.lockWait = lockWait;
    }

    MemcachedSessionManager manager() {
        return manager;
    }

    /** Whether the request matches {@code requestUriIgnorePattern}: it neither loads nor writes sessions. */
    boolean isIgnored(String uri) {
        Pattern ignore = config.getRequestUriIgnore();
        return ignore != null && uri != null && ignore.matcher(uri).matches();
    }

    /** The session's lock for this request when {@code lockingMode} asks for one (non-sticky only), else null. */
    SessionLock lockFor(String requestedId, String uri) {
        if (requestedId == null || config.isSticky()) {
            return null;
        }
        boolean lock = switch (config.getLocking()) {
            case ALL -> true;
            case URI_PATTERN -> uri != null && config.getLockingUriPattern().matcher(uri).matches();
            case NONE -> false;
        };
        return lock ? store.lock(requestedId, lockWait) : null;
    }

    /**
     * Sticky mode: a session that came from another Tomcat (its id names another jvmRoute) gets this Tomcat's
     * route, so that the load balancer keeps it here; the old id ends on every node.
     */
    void rerouteAfterFailover(Request request, String requestedId) {
        String route = manager.getJvmRoute();
        if (!config.isSticky() || requestedId == null || route == null || route.isEmpty()) {
            return;
        }
        int dot = requestedId.lastIndexOf('.');
        String base = dot < 0 ? requestedId : requestedId.substring(0, dot);
        if (requestedId.equals(base + "." + route)) {
            return;
        }
        Session session = request.getSessionInternal(false);
        if (session != null && session.getIdInternal().equals(requestedId)) {
            String newId = base + "." + route;
            manager.changeSessionId(session, newId);
            request.changeSessionId(newId);
            LOG.log(System.Logger.Level.DEBUG, config.getStoreName() + " - session " + SessionIds.shorten(requestedId)
                    + " moved to this Tomcat (jvmRoute " + route + ")");
        }
    }

    /** Writes or touches every session the request used, then releases the lock (after the write when async). */
    void ended(RequestScope scope) {
        List<CompletableFuture<?>> writes = new ArrayList<>();
        try {
            if (manager.getState().isAvailable()) { // stopping: sessions live on in memcached as they are
                for (MemcachedSession session : scope.used()) {
                    writes.add(replicator.requestEnded(session));
                }
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, config.getStoreName() + " - could not write a session at the end "
                    + "of a request (" + e + "); this Tomcat keeps its copy", e);
        } finally {
            SessionLock lock = scope.lock();
            if (lock != null) {
                CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0]))
                        .whenComplete((done, failure) -> lock.close());
            }
        }
    }

    /**
     * The end of an asynchronous request, when it completes: besides the sessions its container threads used, the
     * one its async threads obtained through the request (Tomcat hands that out without asking the manager again).
     * The requested id is marked as looked up so that asking the request never loads anything now.
     */
    void asyncEnded(Request request, RequestScope scope) {
        try (RequestScope.Binding bound = scope.bind()) {
            String requestedId = request.getRequestedSessionId();
            if (requestedId != null && !scope.looked(requestedId)) {
                scope.lookedUp(requestedId, null);
            }
            if (request.getSessionInternal(false) instanceof MemcachedSession used && used.getManager() == manager) {
                scope.use(used);
            }
            ended(scope);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, config.getStoreName() + " - could not end an asynchronous request ("
                    + e + "); this Tomcat keeps its copy of the session", e);
            if (scope.lock() != null) {
                scope.lock().close();
            }
        }
    }
}
