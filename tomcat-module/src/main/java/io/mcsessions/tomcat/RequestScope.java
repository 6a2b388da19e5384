package io.mcsessions.tomcat;

import io.mcsessions.core.SessionLock;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

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
    /**
     * The scopes bound to each thread, innermost first. A thread keeps its (empty) deque between requests: removing
     * and creating it again on every request showed in a profile (thread-local map upkeep and two allocations).
     */
    private static final ThreadLocal<Deque<RequestScope>> BOUND = ThreadLocal.withInitial(ArrayDeque::new);

    private final MemcachedSessionManager manager;
    private final boolean ignored;
    private final SessionLock lock;
    /** Undoes a {@link #bind()} on the thread that closes it (one per scope, not one per binding). */
    private final Binding unbind = () -> BOUND.get().removeFirstOccurrence(this);
    /*
     * Guarded by this. A request looks up one or two ids and uses one or two sessions, so these are small arrays
     * searched in order (allocated on first use) rather than hash maps: the ids looked up in memcached and the
     * session each gave (null: none), and the sessions used, in the order of first use, each once.
     */
    private String[] lookedIds;
    private MemcachedSession[] lookedSessions;
    private int lookedCount;
    private MemcachedSession[] used;
    private int usedCount;

    RequestScope(MemcachedSessionManager manager, boolean ignored, SessionLock lock) {
        this.manager = manager;
        this.ignored = ignored;
        this.lock = lock;
    }

    /** Binds this scope to the current thread until the returned binding is closed (on the same thread). */
    Binding bind() {
        BOUND.get().push(this);
        return unbind;
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
        return indexOfLooked(id) >= 0;
    }

    /** The session the request got for an id it already looked up (null when there was none). */
    synchronized MemcachedSession lookedUp(String id) {
        int at = indexOfLooked(id);
        return at < 0 ? null : lookedSessions[at];
    }

    /** Records that the request asked memcached for the id, and the session it got (or null). */
    synchronized void lookedUp(String id, MemcachedSession session) {
        int at = indexOfLooked(id);
        if (at < 0) {
            if (lookedIds == null) {
                lookedIds = new String[2];
                lookedSessions = new MemcachedSession[2];
            } else if (lookedCount == lookedIds.length) {
                lookedIds = Arrays.copyOf(lookedIds, lookedCount * 2);
                lookedSessions = Arrays.copyOf(lookedSessions, lookedCount * 2);
            }
            at = lookedCount++;
            lookedIds[at] = id;
        }
        lookedSessions[at] = session;
        if (session != null) {
            addUsed(session);
        }
    }

    /** Records a session the request used (created, or found locally). */
    synchronized void use(MemcachedSession session) {
        addUsed(session);
        int at = indexOfLooked(session.getIdInternal());
        if (at >= 0) {
            lookedSessions[at] = session;
        }
    }

    /** The sessions to write or touch at the end of the request. */
    synchronized List<MemcachedSession> used() {
        return usedCount == 0 ? List.of() : List.of(Arrays.copyOf(used, usedCount));
    }

    private int indexOfLooked(String id) {
        for (int i = 0; i < lookedCount; i++) {
            if (lookedIds[i].equals(id)) {
                return i;
            }
        }
        return -1;
    }

    private void addUsed(MemcachedSession session) {
        for (int i = 0; i < usedCount; i++) {
            if (used[i] == session) {
                return;
            }
        }
        if (used == null) {
            used = new MemcachedSession[2];
        } else if (usedCount == used.length) {
            used = Arrays.copyOf(used, usedCount * 2);
        }
        used[usedCount++] = session;
    }
}
