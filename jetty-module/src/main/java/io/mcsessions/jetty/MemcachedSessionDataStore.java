package io.mcsessions.jetty;

import io.mcsessions.core.NodeStatus;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.StorageKeyPrefixes;
import io.mcsessions.core.Revisions;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.StoreConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.session.HouseKeeper;
import org.eclipse.jetty.session.ObjectStreamSessionDataStore;
import org.eclipse.jetty.session.SessionContext;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionIdManager;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.annotation.ManagedOperation;
import org.eclipse.jetty.util.annotation.Name;

/**
 * A Jetty {@code SessionDataStore} that writes every session to N memcached nodes and keeps working when nodes
 * (or all of them) fail. It lives in Jetty's core session module, so it serves ee10 and ee11 alike. Stores are
 * made by {@link MemcachedSessionDataStoreFactory}, one per context.
 *
 * <p>What the store does for Jetty:
 * <ul>
 * <li>{@code store} writes the session (all of {@link SessionData}, {@code lastSaved} included) with a revision
 * above the one it replaces; memcached expires it by TTL: the idle timeout, plus the save period and two
 * scavenge intervals so that the instance that manages it can still call its listeners.</li>
 * <li>{@code load} returns the newest copy, deserialized with the web application's class loader. With no node
 * answering it returns this instance's last copy of the session (degraded mode), so the instance that served a
 * session keeps serving it; a node failure is a warning in the log, never an exception to Jetty.</li>
 * <li>{@code delete} writes a tombstone, so no replica that missed it can bring the session back.</li>
 * <li>memcached cannot list keys, so expiry checks judge the sessions Jetty names (the session cache's
 * candidates) and the sessions this instance wrote last (its local copies); a session no instance knows about
 * is left to memcached's TTL, without {@code HttpSessionListener.sessionDestroyed}.</li>
 * </ul>
 * It is passivating: session attributes get {@code HttpSessionActivationListener} callbacks around each write
 * and load.
 */
@ManagedObject("Sessions replicated to N memcached nodes")
public class MemcachedSessionDataStore extends ObjectStreamSessionDataStore {
    /** The context attribute under which the running {@link ReplicatedSessionStore} is published. */
    public static final String STORE_ATTRIBUTE = ReplicatedSessionStore.SERVLET_CONTEXT_ATTRIBUTE;

    private static final System.Logger LOG = System.getLogger("io.mcsessions.jetty.MemcachedSessionDataStore");

    /** The factory's settings when it made this store, unsealed: each start validates a copy. */
    private final StoreConfig settings;
    private final boolean logToSlf4j;
    private volatile SessionCopies copies;
    private volatile AttributeCodec codec;
    private volatile String name = "mcsessions";
    private volatile int expiryMarginSeconds;

    MemcachedSessionDataStore(StoreConfig settings, boolean logToSlf4j) {
        this.settings = settings;
        this.logToSlf4j = logToSlf4j;
    }

    @Override
    protected void doStart() throws Exception {
        if (_context == null) {
            throw new IllegalStateException("No SessionContext");
        }
        if (logToSlf4j) {
            Slf4jLogBridge.install();
        }
        name = storeName(_context);
        StoreConfig config = settings.copy();
        config.setStoreName(name);
        config.setStorageKeyPrefix(StorageKeyPrefixes.forContext(settings.getStorageKeyPrefix(),
                contextName(_context.getCanonicalContextPath(), _context.getVhost())));
        String worker = _context.getWorkerName();
        if (settings.getWriterId() == null && worker != null && !worker.isBlank()) {
            config.setWriterId(worker);
        }
        // memcached keeps a session past its expiry for as long as Jetty may take to notice: a skipped save, and
        // two scavenger runs, so that the instance managing it can still load it and call its listeners.
        expiryMarginSeconds = Math.max(0, getSavePeriodSec()) + 2 * scavengeIntervalSeconds();
        ReplicatedSessionStore store = ReplicatedSessionStore.start(config); // a bad setting fails the context here
        codec = new AttributeCodec(store.config(), new AttributeCodec.JettyFormat() {
            @Override
            public void write(SessionData data, OutputStream out) throws Exception {
                serializeAttributes(data, out);
            }

            @Override
            public void read(SessionData data, InputStream in) throws Exception {
                deserializeAttributes(data, in);
            }
        });
        copies = new SessionCopies(store, config.getMaxLocalCopies());
        try {
            super.doStart();
        } catch (Exception e) {
            copies.close();
            throw e;
        }
        if (_context.getContext() != null) {
            // For status pages in the web application, as the Tomcat Manager does (ServletContext attribute).
            _context.getContext().setAttribute(STORE_ATTRIBUTE, store);
        }
    }

    /** As Jetty's own stores name a context: canonical path and virtual host. */
    static String contextName(String canonicalContextPath, String vhost) {
        return (canonicalContextPath == null ? "" : canonicalContextPath) + "_"
                + (vhost == null ? SessionContext.NULL_VHOST : vhost);
    }

    @Override
    protected void doStop() throws Exception {
        if (_context != null && _context.getContext() != null) {
            _context.getContext().removeAttribute(STORE_ATTRIBUTE);
        }
        try {
            super.doStop();
        } finally {
            SessionCopies running = copies;
            copies = null;
            if (running != null) {
                running.close();
            }
        }
    }

    /** Sessions are serialized on every write, so attributes are told before they leave and after they return. */
    @Override
    public boolean isPassivating() {
        return true;
    }

    @Override
    public SessionData newSessionData(String id, long created, long accessed, long lastAccessed, long maxInactiveMs) {
        return new MemcachedSessionData(id, _context.getCanonicalContextPath(), _context.getVhost(), created, accessed,
                lastAccessed, maxInactiveMs);
    }

    @Override
    public SessionData doLoad(String id) throws Exception {
        SessionCopies.Chosen newest = copies.newest(id, true);
        if (newest == null) {
            return null;
        }
        SessionData data = codec.decode(id, newest.record(), _context);
        if (newest.rewrite()) {
            data.setDirty(true); // Jetty stores a dirty session when the request ends, with a new revision
        }
        return data;
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception {
        if (data instanceof MemcachedSessionData ours && ours.accessOnly()) {
            copies.accessed(id, data.getAccessed(), ours.propagatedAccess(), expirySeconds(data.getMaxInactiveMs()),
                    () -> ours.setDirty(true));
            return;
        }
        byte[] payload = codec.encode(data);
        long known = data instanceof MemcachedSessionData ours && ours.revision() > 0 ? ours.revision()
                : copies.knownRevision(id);
        long revision = Revisions.next(known);
        SessionRecord record = new SessionRecord(id, revision, data.getCreated(), data.getAccessed(),
                expirySeconds(data.getMaxInactiveMs()), payload);
        if (data instanceof MemcachedSessionData ours) {
            ours.revision(revision);
            ours.stored(data.getAccessed(), data.getMaxInactiveMs());
        }
        copies.save(record, data.getExpiry(), settings.isSessionBackupAsync());
    }

    @Override
    public boolean doExists(String id) {
        SessionCopies.Chosen newest = copies.newest(id, false);
        if (newest == null) {
            return false;
        }
        try {
            return !SessionDataCodec.readHeader(newest.record().payload()).isExpiredAt(System.currentTimeMillis());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean delete(String id) {
        return copies.delete(id, expirySeconds(defaultMaxInactiveMillis())).isStored();
    }

    /**
     * Judges the candidates the session cache found expired, and the sessions this instance wrote last that have
     * expired by what it knows, against the newest copy in memcached.
     */
    @Override
    public Set<String> doCheckExpired(Set<String> candidates, long time) {
        return copies.expired(candidates, time);
    }

    /** memcached cannot list its keys: sessions nobody here knows about are left to memcached's TTL. */
    @Override
    public Set<String> doGetExpired(long before) {
        return Set.of();
    }

    /** Sessions of other contexts expire in memcached by their TTL; there is nothing to sweep. */
    @Override
    public void doCleanOrphans(long time) {
    }

    /** Jetty's format, written without asking a class loader to look up every value's class (see AttributeWriter). */
    @Override
    protected void serializeAttributes(SessionData data, OutputStream os) throws Exception {
        try (ObjectOutputStream out = newObjectOutputStream(os)) {
            AttributeWriter.write(data, out);
        }
    }

    /** Jetty's class-loading stream, held to the limits and the {@code deserializationFilter}. */
    @Override
    protected ObjectInputStream newObjectInputStream(InputStream is) throws IOException {
        return codec.newObjectInputStream(is);
    }

    /** memcached's TTL: the idle timeout plus the time Jetty may take to save or scavenge it; 0 never expires. */
    int expirySeconds(long maxInactiveMs) {
        if (maxInactiveMs <= 0) {
            return 0;
        }
        long seconds = TimeUnit.MILLISECONDS.toSeconds(maxInactiveMs + 999) + expiryMarginSeconds;
        return (int) Math.min(Integer.MAX_VALUE, seconds);
    }

    private long defaultMaxInactiveMillis() {
        int seconds = _context.getSessionManager() == null ? -1 : _context.getSessionManager().getMaxInactiveInterval();
        return seconds <= 0 ? -1 : TimeUnit.SECONDS.toMillis(seconds);
    }

    private int scavengeIntervalSeconds() {
        SessionIdManager ids = _context.getSessionManager() == null ? null
                : _context.getSessionManager().getSessionIdManager();
        HouseKeeper houseKeeper = ids == null ? null : ids.getSessionHouseKeeper();
        long interval = houseKeeper == null ? 0 : houseKeeper.getIntervalSec();
        return (int) Math.max(0, Math.min(interval, Integer.MAX_VALUE / 4));
    }

    private static String storeName(SessionContext context) {
        String path = context.getContext() == null ? context.getCanonicalContextPath()
                : context.getContext().getContextPath();
        String vhost = context.getVhost();
        return vhost == null || SessionContext.NULL_VHOST.equals(vhost) ? path : path + "@" + vhost;
    }

    private ReplicatedSessionStore running() {
        SessionCopies running = copies;
        return running == null ? null : running.store();
    }

    // ---- JMX ----

    @ManagedAttribute("every memcached node with its health and counters")
    public String[] getNodeStates() {
        ReplicatedSessionStore store = running();
        return store == null ? new String[0] : store.nodes().stream().map(NodeStatus::describe)
                .toArray(String[]::new);
    }

    @ManagedAttribute("true when no memcached node is reachable and sessions live in this instance only")
    public boolean isDegraded() {
        ReplicatedSessionStore store = running();
        return store != null && store.isDegraded();
    }

    @ManagedAttribute("operation counters, name=value")
    public String[] getCounters() {
        ReplicatedSessionStore store = running();
        return store == null ? new String[0] : store.stats().counters().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    @ManagedAttribute("sessions saved while no node was reachable, waiting to be written back")
    public int getPendingWriteBacks() {
        ReplicatedSessionStore store = running();
        return store == null ? 0 : store.stats().pendingWriteBacks();
    }

    @ManagedAttribute("sessions whose last copy this context keeps locally")
    public int getLocalCopies() {
        SessionCopies running = copies;
        return running == null ? 0 : running.localCopies();
    }

    @ManagedAttribute("memcached nodes in use; set a new list to apply it at once, without losing sessions")
    public String getMemcachedNodes() {
        ReplicatedSessionStore store = running();
        if (store != null) {
            return store.memcachedNodes();
        }
        return settings.getMemcachedNodes();
    }

    /**
     * Applies a new node list to the running store at once, without losing sessions (see
     * {@link ReplicatedSessionStore#setMemcachedNodes}); kept for this context's next start. Set through JMX as the
     * {@code memcachedNodes} attribute. Before the store starts, the list replaces the factory's.
     *
     * @throws IllegalArgumentException while running, when the list is invalid (the message names the rule and the
     *                                  value); the store goes on with its nodes
     */
    public void setMemcachedNodes(String memcachedNodes) {
        ReplicatedSessionStore store = running();
        if (store != null) {
            store.changeMemcachedNodes(memcachedNodes);
        }
        settings.setMemcachedNodes(memcachedNodes);
    }

    @ManagedAttribute("memcached nodes a node list change removed that are still read until the change completes")
    public String[] getRetiringNodeStates() {
        ReplicatedSessionStore store = running();
        return store == null ? new String[0] : store.retiringNodes().stream()
                .map(NodeStatus::describe).toArray(String[]::new);
    }

    @ManagedAttribute("copies of each session")
    public int getRedundancy() {
        ReplicatedSessionStore store = running();
        return store == null ? 0 : store.config().getRedundancy();
    }

    @ManagedAttribute("memcached operation timeout (ms)")
    public long getOperationTimeout() {
        return settings.getOperationTimeout();
    }

    @ManagedAttribute("pause before a failed node is probed again (ms)")
    public long getRetryInterval() {
        return settings.getRetryInterval();
    }

    @ManagedAttribute("whether sessions are written in the background")
    public boolean isSessionBackupAsync() {
        return settings.isSessionBackupAsync();
    }

    @ManagedAttribute("prefix of this context's memcached keys")
    public String getStorageKeyPrefix() {
        ReplicatedSessionStore store = running();
        return store == null ? settings.getStorageKeyPrefix() : store.config().getStorageKeyPrefix();
    }

    @ManagedOperation(value = "take a memcached node out of service in this JVM until marked up", impact = "ACTION")
    public void markNodeDown(@Name(value = "nodeId", description = "the node's id, e.g. n1") String nodeId) {
        requireRunning().markNodeDown(nodeId);
    }

    @ManagedOperation(value = "return a memcached node to service; it is probed at once", impact = "ACTION")
    public void markNodeUp(@Name(value = "nodeId", description = "the node's id, e.g. n1") String nodeId) {
        requireRunning().markNodeUp(nodeId);
    }

    private ReplicatedSessionStore requireRunning() {
        ReplicatedSessionStore store = running();
        if (store == null) {
            throw new IllegalStateException(name + " - the session store is not running");
        }
        return store;
    }


    @Override
    public String toString() {
        return String.format("%s@%x[%s, nodes=%s, passivating=true, graceSec=%d]", getClass().getSimpleName(),
                hashCode(), name, getMemcachedNodes(), getGracePeriodSec());
    }
}
