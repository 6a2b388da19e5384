package io.mcsessions.tomcat;

import io.mcsessions.core.SessionLock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sessions one request of one context has loaded or created, so that a session is loaded from memcached
 * once per request (however often Tomcat looks it up) and every session the request used is written or
 * touched when it ends. Also holds the request's session lock until then.
 *
 * <p>{@link SessionReplicationValve} binds the scope to the thread that runs the request in the context; an
 * asynchronous request is bound again on the threads of its async dispatches and of its completion, so one scope
 * serves the request from its start to its completion. Cross-context dispatches stack scopes of other managers.
 */
final class RequestScope {
    private static final ThreadLocal<Deque<RequestScope>> BOUND = ThreadLocal.withInitial(ArrayDeque::new);

    private final MemcachedSessionManager manager;
    private final boolean ignored;
    private final SessionLock lock;
    /** The session each id looked up in memcached gave (null: none). */
    private final Map<String, MemcachedSession> looked = new HashMap<>();
    private final Set<MemcachedSession> used = new LinkedHashSet<>();

    RequestScope(MemcachedSessionManager manager, boolean ignored, SessionLock lock) {
        this.manager = manager;
        this.ignored = ignored;
        this.lock = lock;
    }

    /** Binds this scope to the current thread until the returned binding is closed. */
    Binding bind() {
        Deque<RequestScope> bound = BOUND.get();
        bound.push(this);
        return () -> {
            bound.remove(this);
            if (bound.isEmpty()) {
                BOUND.remove();
            }
        };
    }

    /** Undoes a {@link #bind()}. */
    interface Binding extends AutoCloseable {
        @Override
        void close();
    }

    /** The scope bound to the current thread for this manager's context, or null outside a request. */
    static RequestScope current(MemcachedSessionManager manager) {
        for (RequestScope scope : BOUND.get()) {
            if (scope.manager == manager) {
                return scope;
            }
        }
        return null;
    }

    /** Whether the request matches {@code requestUriIgnorePattern}: it neither loads nor writes sessions. */
    boolean ignored() {
        return ignored;
    }

    /** The session's lock for this request, or null when {@code lockingMode} asks for none. */
    SessionLock lock() {
        return lock;
    }

    /** Whether this request already asked memcached for the id. */
    synchronized boolean looked(String id) {
        return looked.containsKey(id);
    }

    /** The session the request got for an id it already looked up (null when there was none). */
    synchronized MemcachedSession lookedUp(String id) {
        return looked.get(id);
    }

    /** Records that the request asked memcached for the id, and the session it got (or null). */
    synchronized void lookedUp(String id, MemcachedSession session) {
        looked.put(id, session);
        if (session != null) {
            used.add(session);
        }
    }

    /** Records a session the request used (created, or found locally). */
    synchronized void use(MemcachedSession session) {
        used.add(session);
        looked.computeIfPresent(session.getIdInternal(), (id, before) -> session);
    }

    /** The sessions to write or touch at the end of the request. */
    synchronized List<MemcachedSession> used() {
        return List.copyOf(used);
    }
}
