package io.mcsessions.tomcat;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The sessions one request of one context has loaded or created, so that a session is loaded from memcached
 * once per request (however often Tomcat looks it up) and every session the request used is written or
 * touched when it ends. Bound to the request's thread by {@link SessionReplicationValve}.
 */
final class RequestScope implements AutoCloseable {
    private static final ThreadLocal<RequestScope> CURRENT = new ThreadLocal<>();

    private final MemcachedSessionManager manager;
    private final boolean ignored;
    private final RequestScope outer;
    private final Map<String, Boolean> looked = new HashMap<>();
    private final Set<MemcachedSession> used = new LinkedHashSet<>();

    private RequestScope(MemcachedSessionManager manager, boolean ignored, RequestScope outer) {
        this.manager = manager;
        this.ignored = ignored;
        this.outer = outer;
    }

    /** Opens a scope for the current thread's request; close it when the request leaves the context. */
    static RequestScope open(MemcachedSessionManager manager, boolean ignored) {
        RequestScope scope = new RequestScope(manager, ignored, CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** The scope of the current thread's request in this manager's context, or null outside a request. */
    static RequestScope current(MemcachedSessionManager manager) {
        RequestScope scope = CURRENT.get();
        while (scope != null && scope.manager != manager) {
            scope = scope.outer;
        }
        return scope;
    }

    /** Whether the request matches {@code requestUriIgnorePattern}: it neither loads nor writes sessions. */
    boolean ignored() {
        return ignored;
    }

    /** Whether this request already asked memcached for the id. */
    boolean looked(String id) {
        return looked.containsKey(id);
    }

    /** Records that the request asked memcached for the id, and the session it got (or null). */
    void lookedUp(String id, MemcachedSession session) {
        looked.put(id, Boolean.TRUE);
        if (session != null) {
            used.add(session);
        }
    }

    /** Records a session the request used (created, or found locally). */
    void use(MemcachedSession session) {
        used.add(session);
    }

    /** The sessions to write or touch at the end of the request. */
    Collection<MemcachedSession> used() {
        return used;
    }

    @Override
    public void close() {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }
}
