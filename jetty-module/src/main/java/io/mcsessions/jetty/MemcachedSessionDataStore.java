package io.mcsessions.jetty;

import io.mcsessions.core.LoadResult;
import io.mcsessions.core.NodeStatus;
import io.mcsessions.core.ReplicaInfo;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.Revisions;
import io.mcsessions.core.SaveResult;
import io.mcsessions.core.SessionIds;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.StoreConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.session.HouseKeeper;
import org.eclipse.jetty.session.ObjectStreamSessionDataStore;
import org.eclipse.jetty.session.SessionContext;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.session.SessionIdManager;
import org.eclipse.jetty.session.UnreadableSessionDataException;
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
    private static final System.Logger LOG = System.getLogger("io.mcsessions.jetty.MemcachedSessionDataStore");

    private final MemcachedSessionDataStoreFactory.Settings settings;
    private volatile ReplicatedSessionStore store;
    private volatile LocalCopies copies = new LocalCopies(0);
    private volatile String name = "mcsessions";
    private volatile int expiryMarginSeconds;

    MemcachedSessionDataStore(MemcachedSessionDataStoreFactory.Settings settings) {
        this.settings = settings;
    }

    @Override
    protected void doStart() throws Exception {
        if (_context == null) {
            throw new IllegalStateException("No SessionContext");
        }
        if (settings.logToSlf4j()) {
            Slf4jLogBridge.install();
        }
        name = storeName(_context);
        StoreConfig config = settings.newStoreConfig();
        config.setStoreName(name);
        config.setStorageKeyPrefix(StorageKeys.prefix(settings.storageKeyPrefix(), _context.getCanonicalContextPath(),
                _context.getVhost()));
        String worker = _context.getWorkerName();
        if (settings.writerId() == null && worker != null && !worker.isBlank()) {
            config.setWriterId(worker);
        }
        // memcached keeps a session past its expiry for as long as Jetty may take to notice: a skipped save, and
        // two scavenger runs, so that the instance managing it can still load it and call its listeners.
        expiryMarginSeconds = Math.max(0, getSavePeriodSec()) + 2 * scavengeIntervalSeconds();
        copies = new LocalCopies(settings.maxLocalCopies());
        store = ReplicatedSessionStore.start(config);
        try {
            super.doStart();
        } catch (Exception e) {
            store.close();
            throw e;
        }
    }

    @Override
    protected void doStop() throws Exception {
        try {
            super.doStop();
        } finally {
            ReplicatedSessionStore running = store;
            store = null;
            if (running != null) {
                running.close();
            }
            copies.clear();
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
        SessionRecord newest = newest(id, true);
        return newest == null ? null : decode(id, newest);
    }

    @Override
    public void doStore(String id, SessionData data, long lastSaveTime) throws Exception {
        byte[] payload = SessionDataCodec.encode(data, serializedAttributes(data));
        long revision = Revisions.next(knownRevision(id, data));
        SessionRecord record = new SessionRecord(id, revision, data.getCreated(), data.getAccessed(),
                expirySeconds(data.getMaxInactiveMs()), payload);
        copies.remember(record, data.getExpiry(), false);
        if (data instanceof MemcachedSessionData ours) {
            ours.revision(revision);
        }
        if (settings.sessionBackupAsync()) {
            store.saveAsync(record).thenAccept(result -> saved(record, result));
        } else {
            saved(record, store.save(record));
        }
    }

    @Override
    public boolean doExists(String id) {
        SessionRecord newest = newest(id, false);
        if (newest == null) {
            return false;
        }
        SessionDataCodec.Header header = headerOrNull(id, newest);
        return header != null && !header.isExpiredAt(System.currentTimeMillis());
    }

    @Override
    public boolean delete(String id) throws Exception {
        LocalCopies.Copy local = copies.remove(id);
        long knownRevision = local == null ? 0 : local.revision();
        int ttl = local == null ? expirySeconds(defaultMaxInactiveMillis()) : local.record().maxInactiveSeconds();
        SaveResult result = store.invalidate(id, knownRevision, ttl);
        LOG.log(System.Logger.Level.DEBUG, () -> name + " - session " + SessionIds.shorten(id) + " deleted: "
                + result.outcome());
        return result.isStored();
    }

    /**
     * Judges the candidates the session cache found expired, and the sessions this instance wrote last that have
     * expired by what it knows, against the newest copy in memcached.
     */
    @Override
    public Set<String> doCheckExpired(Set<String> candidates, long time) {
        List<String> mine = copies.expiredAt(time);
        LOG.log(System.Logger.Level.TRACE, () -> name + " - checking the expiry of " + candidates.size()
                + " sessions of the session cache and " + mine.size() + " this instance wrote last");
        Set<String> expired = new HashSet<>();
        for (String id : candidates) {
            if (isExpired(id, time, true)) {
                expired.add(id);
            }
        }
        for (String id : mine) {
            if (!candidates.contains(id) && isExpired(id, time, false)) {
                expired.add(id);
            }
        }
        return expired;
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

    private boolean isExpired(String id, long time, boolean candidate) {
        LoadResult result = store.load(id);
        LocalCopies.Copy local = copies.get(id);
        if (result.isUnavailable()) {
            // Degraded: this instance's view decides; a candidate it has no copy of is the cache's own judgement.
            return local == null ? candidate : local.isExpiredAt(time);
        }
        if (result.isAbsent()) {
            copies.remove(id);
            return candidate; // gone by TTL or invalidated: nothing left to load, so only the cache's own to expire
        }
        SessionRecord found = result.record();
        if (local != null && local.revision() > found.revision()) {
            return local.isExpiredAt(time);
        }
        if (!candidate && local != null && found.revision() > local.revision()) {
            copies.forgetUpTo(id, found.revision()); // another instance wrote it since: it manages it now
            return false;
        }
        SessionDataCodec.Header header = headerOrNull(id, found);
        return header == null || header.isExpiredAt(time);
    }

    /**
     * The newest copy of the session: memcached's, unless this instance holds a newer one that no replica has
     * taken yet, or no replica answers (degraded mode).
     */
    private SessionRecord newest(String id, boolean serving) {
        LoadResult result = store.load(id);
        LocalCopies.Copy local = copies.get(id);
        switch (result.outcome()) {
            case FOUND -> {
                SessionRecord found = result.record();
                if (local != null && local.revision() > found.revision()) {
                    LOG.log(System.Logger.Level.DEBUG, () -> name + " - session " + SessionIds.shorten(id)
                            + ": this instance's copy (revision " + local.revision() + ") is newer than memcached's ("
                            + found.revision() + "); using it");
                    return local.record();
                }
                if (serving) {
                    copies.remember(found, headerExpiry(id, found), true);
                }
                return found;
            }
            case UNAVAILABLE -> {
                LOG.log(System.Logger.Level.DEBUG, () -> name + " - no memcached node answered for session "
                        + SessionIds.shorten(id) + (local == null ? "; this instance has no copy of it"
                        : "; serving this instance's copy (revision " + local.revision() + ")"));
                return local == null ? null : local.record();
            }
            default -> {
                return absent(id, local);
            }
        }
    }

    /**
     * memcached holds no live copy. A copy no replica took (degraded or too large) is still the session, unless
     * a tombstone at or above its revision says the session ended elsewhere.
     */
    private SessionRecord absent(String id, LocalCopies.Copy local) {
        if (local == null) {
            return null;
        }
        if (local.acknowledged() || endedElsewhere(id, local.revision())) {
            copies.forgetUpTo(id, local.revision());
            return null;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> name + " - session " + SessionIds.shorten(id) + " is not in "
                + "memcached yet; serving this instance's copy (revision " + local.revision() + ")");
        return local.record();
    }

    private boolean endedElsewhere(String id, long revision) {
        return store.inspect(id).stream().anyMatch(replica -> replica.holding() == ReplicaInfo.Holding.TOMBSTONE
                && replica.revision() >= revision);
    }

    private void saved(SessionRecord record, SaveResult result) {
        if (result.isStored()) {
            copies.acknowledge(record.id(), record.revision());
        }
        LOG.log(System.Logger.Level.DEBUG, () -> name + " - session " + SessionIds.shorten(record.id()) + " revision "
                + record.revision() + " saved: " + result.outcome()
                + (result.detail().isEmpty() ? "" : " (" + result.detail() + ")"));
    }

    private MemcachedSessionData decode(String id, SessionRecord record) throws UnreadableSessionDataException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ClassLoader webapp = _context.getContext() == null ? null : _context.getContext().getClassLoader();
        try {
            SessionDataCodec.Header header = SessionDataCodec.readHeader(record.payload());
            if (!id.equals(header.id())) {
                throw new IOException("the stored payload belongs to another session id");
            }
            MemcachedSessionData data = SessionDataCodec.newData(header, record.revision());
            if (webapp != null) {
                thread.setContextClassLoader(webapp); // Jetty resolves webapp classes with the thread's loader
            }
            deserializeAttributes(data, new ByteArrayInputStream(record.payload(), header.attributesOffset(),
                    header.attributesLength()));
            data.clean();
            return data;
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, name + " - session " + SessionIds.shorten(id) + " cannot be read ("
                    + e + "); Jetty drops it and the request goes on without it");
            throw new UnreadableSessionDataException(id, _context, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private byte[] serializedAttributes(SessionData data) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try {
            serializeAttributes(data, bytes);
        } catch (IOException | RuntimeException e) {
            bytes.reset();
            serializeAttributes(SerializableAttributes.of(data, name), bytes);
        }
        return bytes.toByteArray();
    }

    private SessionDataCodec.Header headerOrNull(String id, SessionRecord record) {
        try {
            return SessionDataCodec.readHeader(record.payload());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> name + " - session " + SessionIds.shorten(id)
                    + " has an unreadable payload: " + e.getMessage());
            return null;
        }
    }

    private long headerExpiry(String id, SessionRecord record) {
        SessionDataCodec.Header header = headerOrNull(id, record);
        return header == null ? 0 : header.expiry();
    }

    private long knownRevision(String id, SessionData data) {
        if (data instanceof MemcachedSessionData ours && ours.revision() > 0) {
            return ours.revision();
        }
        LocalCopies.Copy local = copies.get(id);
        return local == null ? 0 : local.revision();
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
        return (int) Math.max(0, Math.min(interval, Integer.MAX_VALUE / 2));
    }

    private static String storeName(SessionContext context) {
        String path = context.getContext() == null ? context.getCanonicalContextPath()
                : context.getContext().getContextPath();
        String vhost = context.getVhost();
        return vhost == null || SessionContext.NULL_VHOST.equals(vhost) ? path : path + "@" + vhost;
    }

    // ---- JMX ----

    @ManagedAttribute("every memcached node with its health and counters")
    public String[] getNodeStates() {
        ReplicatedSessionStore running = store;
        return running == null ? new String[0] : running.nodes().stream().map(MemcachedSessionDataStore::describe)
                .toArray(String[]::new);
    }

    @ManagedAttribute("true when no memcached node is reachable and sessions live in this instance only")
    public boolean isDegraded() {
        ReplicatedSessionStore running = store;
        return running != null && running.isDegraded();
    }

    @ManagedAttribute("operation counters, name=value")
    public String[] getCounters() {
        ReplicatedSessionStore running = store;
        return running == null ? new String[0] : running.stats().counters().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    @ManagedAttribute("sessions saved while no node was reachable, waiting to be written back")
    public int getPendingWriteBacks() {
        ReplicatedSessionStore running = store;
        return running == null ? 0 : running.stats().pendingWriteBacks();
    }

    @ManagedAttribute("sessions whose last copy this context keeps locally")
    public int getLocalCopies() {
        return copies.size();
    }

    @ManagedAttribute("memcached nodes as configured")
    public String getMemcachedNodes() {
        return settings.memcachedNodes();
    }

    @ManagedAttribute("copies of each session")
    public int getRedundancy() {
        ReplicatedSessionStore running = store;
        return running == null ? 0 : running.config().getRedundancy();
    }

    @ManagedAttribute("memcached operation timeout (ms)")
    public long getOperationTimeout() {
        return settings.operationTimeout();
    }

    @ManagedAttribute("pause before a failed node is probed again (ms)")
    public long getRetryInterval() {
        return settings.retryInterval();
    }

    @ManagedAttribute("whether sessions are written in the background")
    public boolean isSessionBackupAsync() {
        return settings.sessionBackupAsync();
    }

    @ManagedAttribute("prefix of this context's memcached keys")
    public String getStorageKeyPrefix() {
        ReplicatedSessionStore running = store;
        return running == null ? settings.storageKeyPrefix() : running.config().getStorageKeyPrefix();
    }

    @ManagedOperation(value = "take a memcached node out of service in this JVM until marked up", impact = "ACTION")
    public void markNodeDown(@Name(value = "nodeId", description = "the node's id, e.g. n1") String nodeId) {
        store.markNodeDown(nodeId);
    }

    @ManagedOperation(value = "return a memcached node to service; it is probed at once", impact = "ACTION")
    public void markNodeUp(@Name(value = "nodeId", description = "the node's id, e.g. n1") String nodeId) {
        store.markNodeUp(nodeId);
    }

    private static String describe(NodeStatus node) {
        return node.node().describe() + ": " + node.state() + " since " + Instant.ofEpochMilli(node.sinceMillis())
                + ", " + node.operations() + " operations, " + node.failures() + " failures, " + node.timeouts()
                + " timeouts" + (node.lastFailure() == null ? "" : ", last failure: " + node.lastFailure());
    }

    @Override
    public String toString() {
        return String.format("%s@%x[%s, nodes=%s, passivating=true, graceSec=%d]", getClass().getSimpleName(),
                hashCode(), name, settings.memcachedNodes(), getGracePeriodSec());
    }
}
