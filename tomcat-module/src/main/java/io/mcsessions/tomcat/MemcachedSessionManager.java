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
import org.apache.catalina.session.ManagerBase;
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
public class MemcachedSessionManager extends ManagerBase {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.tomcat.MemcachedSessionManager");
    private static final String NAME = "MemcachedSessionManager";

    /**
     * The name of the {@link jakarta.servlet.ServletContext} attribute that holds the context's running
     * {@link ReplicatedSessionStore} while the manager is started (for status pages): the class name of
     * {@code ReplicatedSessionStore}. Set once the manager has started (after {@code contextInitialized}, before
     * filters and servlets are initialised), removed when it stops.
     */
    public static final String STORE_ATTRIBUTE = ReplicatedSessionStore.SERVLET_CONTEXT_ATTRIBUTE;

    private final ManagerSettings settings = new ManagerSettings();
    private volatile ReplicatedSessionStore store;
    private volatile SessionReplicator replicator;
    private volatile SessionReplicationValve valve;
    private volatile SessionStoreJmx jmx;
    private volatile LocalCopies localCopies;
    /** Sessions this manager created: Tomcat counts active plus expired, and a dropped local copy is neither. */
    private final java.util.concurrent.atomic.LongAdder created = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean stopping;

    // ---- configuration (context.xml attributes) ----------------------------------------------------------

    /**
     * The memcached nodes, {@code n1:host:port,n2:host:port} (msm's syntax); required. Set while the manager runs
     * (through Tomcat's Manager MBean or the {@code io.mcsessions:type=SessionStore} MBean), the new list is applied
     * at once without losing sessions (see {@link ReplicatedSessionStore#setMemcachedNodes}), and kept for the
     * context's next start; context.xml still holds the old list for the next Tomcat start.
     *
     * @throws IllegalArgumentException while running, when the list is invalid (the message names the rule and the
     *                                  value); the manager goes on with its nodes
     */
    public void setMemcachedNodes(String memcachedNodes) {
        ReplicatedSessionStore running = store;
        if (running != null) {
            try {
                running.setMemcachedNodes(memcachedNodes);
            } catch (ConfigurationException | IllegalStateException e) {
                // JMX clients may not have our exception classes: a JDK one with the message travels anywhere
                throw new IllegalArgumentException(running.name() + " - memcachedNodes not changed: "
                        + e.getMessage());
            }
        }
        settings.memcachedNodes = memcachedNodes;
    }

    /** The node list in use while the manager runs, else the one set. */
    public String getMemcachedNodes() {
        ReplicatedSessionStore running = store;
        return running != null ? running.memcachedNodes() : settings.memcachedNodes;
    }

    /** How many nodes hold a copy of each session; default min(2, nodes). */
    public void setRedundancy(int redundancy) {
        settings.redundancy = redundancy;
        settings.wellFormed("redundancy");
    }

    /** Whether the load balancer keeps a session on one Tomcat (local copy authoritative); default false. */
    public void setSticky(boolean sticky) {
        settings.sticky = sticky;
    }

    public boolean isSticky() {
        return settings.sticky;
    }

    /** How long one memcached operation may take, in milliseconds; default 1000. */
    public void setOperationTimeout(long operationTimeout) {
        settings.operationTimeout = operationTimeout;
        settings.wellFormed("operationTimeout");
    }

    /** How long a failed node is left alone before one probe, in milliseconds; default 2000. */
    public void setRetryInterval(long retryInterval) {
        settings.retryInterval = retryInterval;
        settings.wellFormed("retryInterval");
    }

    /**
     * Prefix of this context's memcached keys. Default {@code mcs:<host><context path>:}, which keeps two web
     * applications on the same nodes apart. msm's token form ({@code static:x,host,context,webappVersion}) works.
     */
    public void setStorageKeyPrefix(String storageKeyPrefix) {
        settings.storageKeyPrefix = storageKeyPrefix;
    }

    /** Requests whose URI matches this regular expression neither load nor write the session. */
    public void setRequestUriIgnorePattern(String requestUriIgnorePattern) {
        settings.requestUriIgnorePattern = requestUriIgnorePattern;
    }

    /** Non-sticky only: {@code none} (default), {@code all} or {@code uriPattern:<regex>}. */
    public void setLockingMode(String lockingMode) {
        settings.lockingMode = lockingMode;
    }

    /** How long a request waits for its session's lock, in milliseconds, before it goes on without; default 5000. */
    public void setLockWaitTimeout(long lockWaitTimeout) {
        settings.lockWaitTimeout = lockWaitTimeout;
        settings.wellFormed("lockWaitTimeout");
    }

    /**
     * Non-sticky: how many sessions this context keeps a local copy of, least recently used dropped first; default
     * 10,000. The copies serve while no memcached node answers and save deserializing an unchanged session; without
     * a bound every Tomcat behind a round-robin balancer would hold every active session. 0 keeps none.
     */
    public void setMaxLocalCopies(int maxLocalCopies) {
        settings.maxLocalCopies = maxLocalCopies;
        settings.wellFormed("maxLocalCopies");
    }

    public int getMaxLocalCopies() {
        return settings.maxLocalCopies;
    }

    /** Whether the session is written after the response instead of before it; default false. */
    public void setSessionBackupAsync(boolean sessionBackupAsync) {
        settings.sessionBackupAsync = sessionBackupAsync;
    }

    /** Largest serialized session written to memcached, in bytes (memcached's {@code -I}); default 1 MiB. */
    public void setMaxValueSize(int maxValueSize) {
        settings.maxValueSize = maxValueSize;
        settings.wellFormed("maxValueSize");
    }

    /** SASL user name; needs {@link #setPassword(String)}. */
    public void setUsername(String username) {
        settings.username = username;
    }

    /** SASL password; needs {@link #setUsername(String)}. */
    public void setPassword(String password) {
        settings.password = password;
    }

    /**
     * Keys that sign the values written to memcached (HMAC-SHA256), comma separated, each at least 16 characters:
     * the first signs, all verify. A value without a valid signature is ignored before anything in it is read.
     */
    public void setSigningKeys(String signingKeys) {
        settings.signingKeys = signingKeys;
    }

    /**
     * Which classes a session read from memcached may contain, as a JEP 290 pattern (e.g.
     * {@code com.shop.**;java.**;!*}); applies to attributes and to the authenticated principal.
     */
    public void setDeserializationFilter(String deserializationFilter) {
        settings.deserializationFilter = deserializationFilter;
    }

    /**
     * How session attributes are serialized: {@code java} (default) or {@code kryo} (Kryo 5, for applications that
     * used msm's Kryo transcoder; the -all jar bundles it). The same limits, {@code deserializationFilter} and
     * signing apply to both.
     */
    public void setSerializer(String serializer) {
        settings.serializer = serializer;
    }

    public String getSerializer() {
        return settings.serializer == null ? "java" : settings.serializer;
    }

    /**
     * msm's {@code sessionAttributeFilter}: a regular expression that the whole name of an attribute must match for it
     * to be written to memcached (e.g. {@code ^(userName|cart)$}); the others stay in this Tomcat's session only.
     */
    public void setSessionAttributeFilter(String sessionAttributeFilter) {
        settings.sessionAttributeFilter = sessionAttributeFilter;
    }

    public String getSessionAttributeFilter() {
        return settings.sessionAttributeFilter;
    }

    /**
     * Whether a login (Tomcat's principal, with its roles) is restored from a session value in memcached that was
     * not signed; default false: a login is restored only from a value signed with {@code signingKeys}, since
     * anyone who can write to memcached can plant a session with any login in it. Set it only when nothing but
     * your Tomcats can write to the memcached nodes and you cannot set {@code signingKeys}.
     */
    public void setTrustUnsignedPrincipal(boolean trustUnsignedPrincipal) {
        settings.trustUnsignedPrincipal = trustUnsignedPrincipal;
    }

    public boolean isTrustUnsignedPrincipal() {
        return settings.trustUnsignedPrincipal;
    }

    /**
     * Tomcat's digester calls this for an attribute it could not set through its setter. For our numeric attributes
     * (a value such as {@code redundancy="two"}) the value is remembered and fails the context start with a message
     * naming it, instead of Tomcat's warning and the default. Returns false for other names, which Tomcat reports
     * as unknown attributes.
     */
    public boolean setProperty(String name, String value) {
        return settings.malformed(name, value);
    }

    /** msm's {@code failoverNodes}: accepted and ignored with a warning, every node is a replica here. */
    public void setFailoverNodes(String value) {
        settings.unsupported("failoverNodes", value);
    }

    /** msm's {@code memcachedProtocol}: accepted and ignored with a warning (always the binary protocol). */
    public void setMemcachedProtocol(String value) {
        settings.unsupported("memcachedProtocol", value);
    }

    /**
     * msm's {@code transcoderFactoryClass}: its Kryo transcoder ({@code ...serializer.kryo.KryoTranscoderFactory}) is
     * read as {@code serializer="kryo"} (with an INFO at start); any other is ignored with a warning.
     */
    public void setTranscoderFactoryClass(String value) {
        if (value != null && value.trim().equals(ManagerSettings.MSM_KRYO_TRANSCODER)) {
            settings.kryoFromMsm = true;
        } else {
            settings.unsupported("transcoderFactoryClass", value);
        }
    }

    /** msm's {@code copyCollectionsForSerialization}: accepted and ignored with a warning. */
    public void setCopyCollectionsForSerialization(String value) {
        settings.unsupported("copyCollectionsForSerialization", value);
    }

    /** msm's {@code customConverter}: accepted and ignored with a warning. */
    public void setCustomConverter(String value) {
        settings.unsupported("customConverter", value);
    }

    /** msm's {@code enableStatistics}: accepted and ignored with a warning (statistics are always on, in JMX). */
    public void setEnableStatistics(String value) {
        settings.unsupported("enableStatistics", value);
    }

    /** msm's {@code enabled}: accepted and ignored with a warning. */
    public void setEnabled(String value) {
        settings.unsupported("enabled", value);
    }

    /** msm's {@code backupThreadCount}: accepted and ignored with a warning. */
    public void setBackupThreadCount(String value) {
        settings.unsupported("backupThreadCount", value);
    }

    /** msm's {@code sessionBackupTimeout}: accepted and ignored with a warning (operationTimeout bounds writes). */
    public void setSessionBackupTimeout(String value) {
        settings.unsupported("sessionBackupTimeout", value);
    }

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
        if (settings.sticky && (getJvmRoute() == null || getJvmRoute().isEmpty())) {
            LOG.log(System.Logger.Level.WARNING, storeName + " - sticky=\"true\" without a jvmRoute: a session that "
                    + "fails over to another Tomcat keeps its id, so this Tomcat checks an idle local copy against "
                    + "memcached before using it; one that comes back within "
                    + SessionReplicator.STICKY_RECHECK_IDLE_MILLIS + " ms of its last request here can still serve "
                    + "this Tomcat's older copy. Set jvmRoute on the Engine to close that gap");
        }
        stopping = false;
        localCopies = settings.sticky ? null : new LocalCopies(settings.maxLocalCopies);
        store = ReplicatedSessionStore.start(candidate);
        replicator = new SessionReplicator(this, store, new SessionCodec(SessionSerializer.forConfig(candidate),
                candidate.getClassFilter(), settings.trustUnsignedPrincipal, storeName,
                candidate.getSessionAttributePattern()),
                candidate.isSessionBackupAsync());
        valve = new SessionReplicationValve(new RequestBracket(this, store, replicator,
                Duration.ofMillis(settings.lockWaitTimeout)));
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
                scope.use(ours);
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

    /** Non-sticky: a local copy was used; beyond maxLocalCopies the least recently used ones leave this Tomcat. */
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
        if (settings.sticky) {
            String route = getJvmRoute();
            found = local instanceof MemcachedSession m
                    ? active.stickyLocal(m, route != null && !route.isEmpty(), System.currentTimeMillis())
                    : active.loadMissing(id);
        } else {
            found = active.refresh(id, local instanceof MemcachedSession m ? m : null);
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
                SessionReplicator.IdleCopy fate = active.idle(local, settings.sticky, start);
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
    ReplicatedSessionStore store() {
        return store;
    }
}
