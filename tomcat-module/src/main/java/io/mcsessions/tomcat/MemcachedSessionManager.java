package io.mcsessions.tomcat;

import io.mcsessions.core.ConfigurationException;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.SessionSerializer;
import io.mcsessions.core.StoreConfig;
import java.io.IOException;
import java.time.Duration;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Pipeline;
import org.apache.catalina.Session;
import org.apache.catalina.session.StandardSession;

/**
 * A Tomcat 10.1 / 11 session manager that keeps every session on N memcached nodes, configured in context.xml:
 *
 * <pre>{@code
 * <Manager className="io.mcsessions.tomcat.MemcachedSessionManager"
 *          memcachedNodes="n1:10.0.0.1:11211,n2:10.0.0.2:11211,n3:10.0.0.3:11211"
 *          redundancy="2" sticky="false" operationTimeout="300" retryInterval="2000"/>
 * }</pre>
 *
 * <p><b>Non-sticky</b> (default): each request loads the newest copy from memcached, and the request's end
 * writes the session if it changed, or refreshes its expiry if it was only read. The local copy is a cache that
 * serves while no node answers (degraded mode). <b>Sticky</b>: the local session is authoritative and memcached
 * holds copies, loaded when a request arrives at a Tomcat that does not hold the session.
 *
 * <p>The attribute names are memcached-session-manager's where the meaning is the same, so moving from msm means
 * changing {@code className}; msm attributes without an equivalent are accepted and named in one warning at start.
 * Node failures are warnings in Tomcat's log, never errors on the request path.
 */
public class MemcachedSessionManager extends MemcachedManagerAttributes {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.tomcat.MemcachedSessionManager");
    private static final String NAME = "MemcachedSessionManager";

    /**
     * The name of the {@link jakarta.servlet.ServletContext} attribute that holds the context's running
     * {@link ReplicatedSessionStore} while the manager is started (for status pages): the class name of
     * {@code ReplicatedSessionStore}. Set once the manager has started (after {@code contextInitialized}, before
     * filters and servlets are initialised), removed when it stops.
     */
    public static final String STORE_ATTRIBUTE = ReplicatedSessionStore.SERVLET_CONTEXT_ATTRIBUTE;

    private volatile ReplicatedSessionStore store;
    private volatile SessionReplicator replicator;
    private volatile SessionReplicationValve valve;
    private volatile SessionStoreJmx jmx;
    private volatile LocalCopies localCopies;
    /** Sessions this manager created: Tomcat counts active plus expired, and a dropped local copy is neither. */
    private final java.util.concurrent.atomic.LongAdder created = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean stopping;
    /** The running store's sticky setting (setSticky applies at the next start). */
    private volatile boolean sticky;

    @Override
    public String getName() {
        return NAME;
    }

    // ---- lifecycle -------------------------------------------------------------------------------------

    @Override
    protected synchronized void startInternal() throws LifecycleException {
        super.startInternal();
        Context context = getContext();
        String host = context.getParent() == null ? "localhost" : context.getParent().getName();
        String storeName = context.getPath().isEmpty() ? "/" : context.getPath();
        StoreConfig candidate;
        try {
            candidate = settings.toStoreConfig(storeName, host, context, getJvmRoute()).validate();
        } catch (ConfigurationException e) {
            throw new LifecycleException(storeName + " - invalid " + NAME + " configuration: " + e.getMessage(), e);
        }
        settings.warnAboutUnsupported(storeName);
        sticky = candidate.isSticky();
        if (sticky && (getJvmRoute() == null || getJvmRoute().isEmpty())) {
            LOG.log(System.Logger.Level.WARNING, storeName + " - sticky=\"true\" without a jvmRoute: a session that "
                    + "fails over to another Tomcat keeps its id, so this Tomcat checks an idle local copy against "
                    + "memcached before using it; one that comes back within "
                    + SessionReplicator.STICKY_RECHECK_IDLE_MILLIS + " ms of its last request here can still serve "
                    + "this Tomcat's older copy. Set jvmRoute on the Engine to close that gap");
        }
        stopping = false;
        localCopies = sticky ? null : new LocalCopies(candidate.getMaxLocalCopies());
        store = ReplicatedSessionStore.start(candidate);
        replicator = new SessionReplicator(this, store, new SessionCodec(SessionSerializer.forConfig(candidate),
                candidate.getClassFilter(), settings.trustUnsignedPrincipal, storeName,
                candidate.getSessionAttributePattern()),
                candidate.isSessionBackupAsync());
        valve = new SessionReplicationValve(new RequestBracket(this, store, replicator,
                Duration.ofMillis(candidate.getLockWaitTimeout())));
        requestPipeline().addValve(valve);
        jmx = new SessionStoreJmx(store, () -> sessions.size(), this::setMemcachedNodes);
        jmx.register(host, context.getPath());
        context.getServletContext().setAttribute(STORE_ATTRIBUTE, store);
        setState(LifecycleState.STARTING);
    }

    /**
     * The valve goes on the host's pipeline, so that it brackets the whole request in this context: request
     * listeners, authenticators and error pages included (a context's pipeline cannot take a valve at its front
     * once started).
     */
    private Pipeline requestPipeline() {
        Context context = getContext();
        return context.getParent() != null ? context.getParent().getPipeline() : context.getPipeline();
    }

    @Override
    protected synchronized void stopInternal() throws LifecycleException {
        setState(LifecycleState.STOPPING);
        stopping = true;
        if (store != null && getContext().getServletContext() != null) {
            getContext().getServletContext().removeAttribute(STORE_ATTRIBUTE);
        }
        if (valve != null) {
            requestPipeline().removeValve(valve);
            valve = null;
        }
        if (jmx != null) {
            jmx.unregister();
            jmx = null;
        }
        // Sessions live on in memcached: drop the local copies without ending them.
        sessions.clear();
        if (replicator != null) {
            replicator.close();
        }
        if (store != null) {
            int pending = store.stats().pendingWriteBacks();
            if (pending > 0) {
                LOG.log(System.Logger.Level.WARNING, store.name() + " - stopping with " + pending + " sessions that "
                        + "no memcached node has taken since the outage; they are lost with this Tomcat");
            }
            store.close();
            store = null;
        }
        replicator = null;
        super.stopInternal();
    }

    /** Tomcat's persistence hook; sessions already live in memcached, so there is nothing to load. */
    @Override
    public void load() {
    }

    /** Tomcat's persistence hook; sessions already live in memcached, so there is nothing to unload. */
    @Override
    public void unload() {
    }

    // ---- sessions --------------------------------------------------------------------------------------

    @Override
    public Session createEmptySession() {
        return new MemcachedSession(this);
    }

    @Override
    protected StandardSession getNewSession() {
        return new MemcachedSession(this);
    }

    @Override
    public Session createSession(String sessionId) {
        Session session = super.createSession(sessionId);
        created.increment();
        if (session instanceof MemcachedSession ours) {
            RequestScope scope = RequestScope.current(this);
            if (scope != null) {
                // As if looked up: the request's later findSession returns it, and the copy counts one use.
                scope.lookedUp(ours.getIdInternal(), ours);
            }
            keptLocally(ours);
        }
        return session;
    }

    /** The sessions this manager created, whether their local copies are still here or not. */
    @Override
    public long getSessionCounter() {
        return created.sum();
    }

    /** Non-sticky: a request used a local copy; beyond maxLocalCopies some leave this Tomcat (see LocalCopies). */
    private void keptLocally(MemcachedSession session) {
        LocalCopies limit = localCopies;
        if (limit == null) {
            return;
        }
        for (MemcachedSession dropped : limit.used(session)) {
            // Out of the map only: a request still using it writes it as usual; memcached keeps the session.
            sessions.remove(dropped.getIdInternal(), dropped);
        }
    }

    @Override
    public Session findSession(String id) throws IOException {
        SessionReplicator active = replicator;
        if (id == null || active == null) {
            return super.findSession(id);
        }
        RequestScope scope = RequestScope.current(this);
        Session local = super.findSession(id);
        if (scope != null && scope.ignored()) {
            return local;
        }
        if (scope != null && scope.looked(id)) {
            MemcachedSession got = scope.lookedUp(id);
            return got == null || id.equals(got.getIdInternal()) ? got : local;
        }
        MemcachedSession found;
        if (sticky) {
            String route = getJvmRoute();
            found = local instanceof MemcachedSession m
                    ? active.stickyLocal(m, route != null && !route.isEmpty(), System.currentTimeMillis())
                    : active.loadMissing(id);
        } else {
            found = active.loadNonSticky(id, local instanceof MemcachedSession m ? m : null);
        }
        if (scope != null) {
            scope.lookedUp(id, found);
        }
        if (found != null) {
            keptLocally(found);
        }
        return found;
    }

    /** A local copy of a session loaded from memcached; replaces any older local copy, fires no creation event. */
    MemcachedSession newLoadedSession(SessionRecord record, SessionPayload payload) {
        MemcachedSession session = new MemcachedSession(this);
        session.restore(record, payload);
        session.setId(record.id(), false); // adds it to this manager, replacing an older copy
        session.activate();
        return session;
    }

    /** Forgets a local copy without ending the session: it ended elsewhere, or lives on elsewhere. */
    void discardLocalCopy(MemcachedSession session) {
        sessions.remove(session.getIdInternal(), session);
        LocalCopies limit = localCopies;
        if (limit != null) {
            limit.removed(session.getIdInternal(), session);
        }
        session.discard();
    }

    @Override
    public void remove(Session session, boolean update) {
        super.remove(session, update);
        LocalCopies limit = localCopies;
        if (limit != null && session instanceof MemcachedSession ours) {
            limit.removed(session.getIdInternal(), ours);
        }
        SessionReplicator active = replicator;
        // update is true when the session ends (StandardSession.expire); an id change removes with false.
        if (update && !stopping && active != null && session instanceof MemcachedSession ended) {
            active.ended(ended);
        }
    }

    @Override
    protected void changeSessionId(Session session, String newId, boolean notifySessionListeners,
                                   boolean notifyContainerListeners) {
        String oldId = session.getIdInternal();
        long oldRevision = session instanceof MemcachedSession m ? m.revision() : 0;
        super.changeSessionId(session, newId, notifySessionListeners, notifyContainerListeners);
        SessionReplicator active = replicator;
        if (active != null && session instanceof MemcachedSession moved && !newId.equals(oldId)) {
            active.moved(moved, oldId, oldRevision);
        }
    }

    /**
     * Expires idle local copies like {@code StandardManager}, except where memcached shows that the session lives
     * on, or ended, on another Tomcat: then the copy is dropped without events, so that {@code sessionDestroyed}
     * fires once, where the session really ends (see {@link SessionReplicator#idle}).
     */
    @Override
    public void processExpires() {
        SessionReplicator active = replicator;
        if (active == null) {
            super.processExpires();
            return;
        }
        long start = System.currentTimeMillis();
        for (Session session : findSessions()) {
            if (session instanceof MemcachedSession local && local.isValidInternalState()
                    && local.idleBeyondTimeout(start) && !local.inUse()) {
                SessionReplicator.IdleCopy fate = active.idle(local, sticky, start);
                if (fate == SessionReplicator.IdleCopy.KEEP) {
                    continue;
                }
                if (fate == SessionReplicator.IdleCopy.DISCARD) {
                    discardLocalCopy(local);
                    continue;
                }
            }
            session.isValid(); // expires it when idle beyond its timeout
        }
        processingTime += System.currentTimeMillis() - start;
    }

    ClassLoader webappClassLoader() {
        Context context = getContext();
        if (context != null && context.getLoader() != null && context.getLoader().getClassLoader() != null) {
            return context.getLoader().getClassLoader();
        }
        return Thread.currentThread().getContextClassLoader();
    }

    /** The local copy of a session, without asking memcached; null when this Tomcat holds none. */
    Session localSession(String id) {
        return sessions.get(id);
    }

    /** The running store, for tests and status pages; null while stopped. */
    @Override
    ReplicatedSessionStore store() {
        return store;
    }
}
