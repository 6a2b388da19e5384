package io.mcsessions.core;

import io.mcsessions.core.internal.AccessKeeper;
import io.mcsessions.core.internal.CoreThreads;
import io.mcsessions.core.internal.EnvelopeSigner;
import io.mcsessions.core.internal.Logs;
import io.mcsessions.core.internal.NodeHealth;
import io.mcsessions.core.internal.NodeRegistry;
import io.mcsessions.core.internal.NodeSettings;
import io.mcsessions.core.internal.Replication;
import io.mcsessions.core.internal.ReplicationSettings;
import io.mcsessions.core.internal.SessionKeys;
import io.mcsessions.core.internal.SessionLocks;
import io.mcsessions.core.internal.StoreCounters;
import io.mcsessions.core.internal.StoreEvents;
import io.mcsessions.core.internal.StoreNode;
import io.mcsessions.core.internal.StoreNodes;
import io.mcsessions.core.internal.WriteBack;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A replicated session store on N memcached nodes: the container-neutral core of mcsessions.
 *
 * <p>Every session is written to {@code redundancy} nodes; reads take the newest copy and repair the others.
 * No method throws because a node failed: a failure is a warning in the log (once per state change) and an
 * outcome in the result. With every node down, loads report {@link LoadResult.Outcome#UNAVAILABLE} and saves
 * {@link SaveResult.Outcome#DEGRADED}: the container keeps serving its local copy, and the store writes the
 * sessions saved meanwhile back when a node returns.
 *
 * <p>Thread-safe. Start with {@link #start(StoreConfig)}, stop with {@link #close()}.
 */
public final class ReplicatedSessionStore implements AutoCloseable {
    /** The servlet context attribute under which adapters publish a context's running store: this class's name. */
    public static final String SERVLET_CONTEXT_ATTRIBUTE = ReplicatedSessionStore.class.getName();

    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.ReplicatedSessionStore");

    private final StoreConfig config;
    private final String name;
    private final StoreEvents events;
    private final StoreNodes storeNodes;
    private final Replication replication;
    private final SessionLocks locks;
    private final WriteBack writeBack;
    private final AccessKeeper accessKeeper;
    /** Background work of this store: lock renewal, write-back. Never a request's thread. */
    private final ScheduledExecutorService maintenance;
    private final StoreCounters counters = new StoreCounters();
    private final NodeHealth.TransitionListener healthListener = this::onNodeTransition;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final RateLimitedLog unexpected;

    private ReplicatedSessionStore(StoreConfig config, NodeRegistry registry) {
        this.config = config.validate();
        this.name = config.getStoreName();
        var clock = registry.clock(); // the store's one clock: its nodes' health and its placement compare times
        this.events = new StoreEvents(name, clock);
        this.storeNodes = new StoreNodes(registry, new NodeSettings(config.getOperationTimeout(),
                config.getRetryInterval(), config.getUsername(), config.getPassword()), name, healthListener);
        List<StoreNode> nodes = storeNodes.acquire(config.getNodes());
        SessionKeys keys = new SessionKeys(config.getStorageKeyPrefix());
        this.replication = new Replication(nodes, new ReplicationSettings(
                config.getRedundancy(), config.getOperationTimeout(), config.getMaxValueSize(), name,
                config.getWriterId()), keys, counters,
                config.isSigning() ? new EnvelopeSigner(config.getSigningKeyList()) : null, clock);
        this.maintenance = Executors.newSingleThreadScheduledExecutor(
                CoreThreads.daemon("mcsessions-maintenance " + name));
        this.locks = new SessionLocks(replication, keys, counters, config.getOperationTimeout(), name,
                clock, maintenance);
        this.writeBack = new WriteBack(replication::writeIfNewer, counters, name, maintenance,
                config.getRetryInterval(), clock::wallMillis);
        this.accessKeeper = new AccessKeeper(replication::refreshAccess, clock::wallMillis, name, maintenance);
        this.unexpected = new RateLimitedLog(LOG, 60_000, clock::nanos);
    }

    /**
     * Daemon threads for an adapter's own background work, with core's class loader as their context class loader:
     * never a web application's, which a long-lived thread would keep in memory after the application is undeployed.
     */
    public static ThreadFactory daemonThreads(String name) {
        return CoreThreads.daemon(name);
    }

    /**
     * Validates the configuration, connects to every node (waiting at most {@code operationTimeout}, and no more
     * than 2 s, for the first connections) and returns the running store. Nodes that do not connect in that time
     * start out down, with one warning each; the store starts anyway.
     *
     * @throws ConfigurationException when a setting is invalid
     */
    public static ReplicatedSessionStore start(StoreConfig config) {
        return start(config, NodeRegistry.jvm());
    }

    static ReplicatedSessionStore start(StoreConfig config, NodeRegistry registry) {
        ReplicatedSessionStore store = new ReplicatedSessionStore(Objects.requireNonNull(config, "config"), registry);
        store.storeNodes.start(store.replication, store.maintenance, (type, message) -> {
            store.events.publish(type, null, message);
            store.updateDegraded();
        });
        store.updateDegraded();
        List<StoreNode> nodes = store.replication.currentNodes();
        LOG.log(System.Logger.Level.INFO, "{0} - session store started: {1} memcached nodes ({2}), {3} copies per "
                + "session, operation timeout {4} ms, retry interval {5} ms", store.name, String.valueOf(nodes.size()),
                StoreNodes.describe(nodes),
                String.valueOf(config.getRedundancy()), String.valueOf(config.getOperationTimeout()),
                String.valueOf(config.getRetryInterval()));
        if (!config.isSigning()) {
            LOG.log(System.Logger.Level.WARNING, "{0} - session values in memcached are not signed: anyone who can "
                    + "write to a memcached node can plant a session (any attribute, any login) that this application "
                    + "will load. Set signingKeys to the same secret of 16 or more characters on every instance (for "
                    + "example the output of: openssl rand -base64 32); see \"Securing memcached sessions\" in the "
                    + "operations guide", store.name);
        }
        return store;
    }

    /** The store's name, as its log lines start. */
    public String name() {
        return name;
    }

    /**
     * The validated, sealed configuration the store started with. The node list may have changed since (see
     * {@link #setMemcachedNodes}); {@link #memcachedNodes()} and {@link #nodes()} tell the nodes in use.
     */
    public StoreConfig config() {
        return config;
    }

    /**
     * Applies a new node list without a restart and without losing sessions, in {@code memcachedNodes}' syntax
     * ({@code n1:host1:11211,n2:host2:11211}). Placement is by node id: keep the ids of the nodes that stay.
     *
     * <p>New nodes are connected (waiting as at start) and take their share at once: every write from now on goes
     * to the new list's replicas. For the settle window (the longest session timeout this store has written, at
     * least 30 minutes and at most 24 hours) the replaced list is still consulted: reads ask its replicas as well
     * and repair the newest copy onto the new ones, writes go to both, and locks are taken on both. So sessions
     * move to their new nodes as they are used, instances that apply the change a little later (or earlier) still
     * read the newest copy, and a removed node is still read until the window ends; then its connection is closed.
     * A session nobody used for the whole window has expired. Apply the same list to every instance within the
     * window. Redundancy stays as configured.
     *
     * @throws ConfigurationException when the list is invalid (the message names the rule and the value), or when
     *                                it has fewer nodes than {@code redundancy}; the store goes on with its nodes
     * @throws IllegalStateException  when the store is closed
     */
    public void setMemcachedNodes(String memcachedNodes) {
        List<NodeAddress> parsed = NodeLists.parse(memcachedNodes);
        if (parsed.size() < config.getRedundancy()) {
            throw new ConfigurationException("memcachedNodes must name at least as many nodes as redundancy ("
                    + config.getRedundancy() + "), but " + memcachedNodes.trim() + " names " + parsed.size());
        }
        storeNodes.change(parsed, memcachedNodes.trim());
    }

    /**
     * {@link #setMemcachedNodes} for management clients (JMX consoles, the Boot endpoint), which may lack our
     * exception classes: a list that cannot be applied is an {@link IllegalArgumentException} whose message names
     * this store, the rule and the value; the store goes on with its nodes.
     */
    public void changeMemcachedNodes(String memcachedNodes) {
        try {
            setMemcachedNodes(memcachedNodes);
        } catch (ConfigurationException | IllegalStateException e) {
            throw new IllegalArgumentException(name + " - memcachedNodes not changed: " + e.getMessage());
        }
    }

    /** The node list in use, in {@code memcachedNodes}' syntax ({@code n1:host1:11211,n2:host2:11211}). */
    public String memcachedNodes() {
        return replication.currentNodes().stream().map(n -> n.address().id().equals(n.address().address())
                ? n.address().address() : n.address().id() + ":" + n.address().address())
                .collect(Collectors.joining(","));
    }

    /**
     * Nodes a node list change removed that are still consulted until the settle window ends (see
     * {@link #setMemcachedNodes}); empty otherwise.
     */
    public List<NodeStatus> retiringNodes() {
        return replication.retiringNodes().stream().map(n -> n.shared().status(n.address())).toList();
    }

    /**
     * Ends the settle window of replaced node lists now, and releases the nodes only they named once operations in
     * flight have finished. For tests, which cannot wait half an hour.
     */
    CompletableFuture<Void> completeNodeChanges() {
        return storeNodes.completeChanges();
    }

    /**
     * The newest copy of the session, or why there is none. Never throws for a node failure.
     */
    public LoadResult load(String sessionId) {
        try {
            return replication.load(sessionId);
        } catch (RuntimeException e) {
            unexpected(e, "load");
            return LoadResult.unavailable();
        }
    }

    /** Writes the session to its replicas and waits until each has answered (each bounded by the timeout). */
    public SaveResult save(SessionRecord record) {
        return saveAsync(record).join();
    }

    /**
     * Writes the session to its replicas; the future completes once every replica answered, and never
     * exceptionally. A {@link SaveResult.Outcome#DEGRADED} record is written back when a node returns.
     */
    public CompletableFuture<SaveResult> saveAsync(SessionRecord record) {
        Objects.requireNonNull(record, "record");
        CompletableFuture<SaveResult> written;
        try {
            written = replication.save(record);
        } catch (RuntimeException e) {
            unexpected(e, "save");
            written = CompletableFuture.completedFuture(new SaveResult(SaveResult.Outcome.DEGRADED,
                    record.revision(), "unexpected error: " + e));
        }
        return written.thenApply(result -> {
            if (result.outcome() == SaveResult.Outcome.DEGRADED) {
                writeBack.remember(record);
            } else if (result.isStored()) {
                writeBack.forget(record.id(), record.revision());
                accessKeeper.written(record.id(), record.lastAccessedTime());
            }
            return result;
        });
    }

    /**
     * A request used the session without changing it: its expiry moves on, lazily. The session's expiry lives in the
     * stored header (last access plus timeout); memcached learns of the new access before its copy would expire,
     * in the background, about twice per timeout however many requests come (no memcached operation on the
     * request's path). So a session that idles expires one timeout after its last use, on every instance.
     *
     * @param accessedAt         when the request used it, epoch ms
     * @param propagatedAccess   the last access memcached's copy carries as far as the caller knows (the
     *                           {@link SessionRecord#lastAccessedTime()} it loaded or last saved)
     * @param maxInactiveSeconds the session's timeout
     * @param ifMissing          runs (on a background thread) if memcached turns out to hold no copy any more, e.g.
     *                           to write the session again on its next request
     */
    public void accessed(String sessionId, long accessedAt, long propagatedAccess, int maxInactiveSeconds,
                         Runnable ifMissing) {
        try {
            accessKeeper.accessed(sessionId, accessedAt, propagatedAccess, maxInactiveSeconds, ifMissing);
        } catch (RuntimeException e) {
            unexpected(e, "accessed");
        }
    }

    /**
     * Resets the expiration of the session's copies at once (moves their last access on to now). Containers use
     * {@link #accessed}, which does this lazily.
     *
     * @return true when at least one replica held the session; false means it should be saved in full
     */
    public boolean touch(String sessionId, int maxInactiveSeconds) {
        try {
            return replication.refreshAccessNow(sessionId).join();
        } catch (RuntimeException e) {
            unexpected(e, "touch");
            return false;
        }
    }

    /**
     * Ends the session: writes a tombstone above {@code lastKnownRevision} and above every copy the nodes hold to
     * every node that is up, so no replica can bring it back, and waits until every node answered (each bounded by
     * the timeout). When no node takes it, the end is kept and written when a node returns.
     */
    public SaveResult invalidate(String sessionId, long lastKnownRevision, int maxInactiveSeconds) {
        try {
            accessKeeper.forget(sessionId);
            Replication.Ended ended = replication.invalidate(sessionId, lastKnownRevision, maxInactiveSeconds).join();
            if (ended.result().isStored()) {
                writeBack.forget(sessionId);
            } else {
                // No node took it: keep the end (it replaces any copy kept) and write it when a node returns, so
                // a logout during an outage is not undone by the copy the nodes still hold.
                writeBack.rememberEnd(sessionId, ended.result().revision(), ended.ttlSeconds());
            }
            return ended.result();
        } catch (RuntimeException e) {
            unexpected(e, "invalidate");
            return new SaveResult(SaveResult.Outcome.DEGRADED, lastKnownRevision, "unexpected error: " + e);
        }
    }

    /**
     * Locks the session for one request, waiting up to {@code maxWait}. When it cannot be had in time the
     * returned lock is not {@linkplain SessionLock#acquired() acquired}, a warning is logged and the request
     * should proceed.
     */
    public SessionLock lock(String sessionId, Duration maxWait) {
        return locks.lock(sessionId, maxWait);
    }

    /** What each node holds for the session, for status pages. Asks every node that is up. */
    public List<ReplicaInfo> inspect(String sessionId) {
        return replication.inspect(sessionId);
    }

    /**
     * Whether no node is up, so that sessions live only in the container: true as soon as the last node is down
     * (before the listener that says so has run), false once a node is back and the recovery has been announced.
     */
    public boolean isDegraded() {
        return events.isDegraded() || replication.consultedNodes().stream().noneMatch(n -> n.shared().isUp());
    }

    /** Every node of the node list in use with its health and counters. */
    public List<NodeStatus> nodes() {
        return replication.currentNodes().stream().map(n -> n.shared().status(n.address())).toList();
    }

    /** A snapshot of counters and node states. */
    public StoreStats stats() {
        return new StoreStats(name, isDegraded(), counters.snapshot(), nodes(), writeBack.size());
    }

    /**
     * Takes a node out of service for the whole JVM until {@link #markNodeUp(String)}. Also a node that a node list
     * change removed and that is still consulted ({@link #retiringNodes()}).
     */
    public void markNodeDown(String nodeId) {
        node(nodeId).shared().health().markDown();
    }

    /** Returns a node marked down to service; it is probed at once and used when it answers. */
    public void markNodeUp(String nodeId) {
        node(nodeId).shared().health().markUp();
    }

    private StoreNode node(String nodeId) {
        List<StoreNode> nodes = replication.consultedNodes();
        return nodes.stream().filter(n -> n.address().id().equals(nodeId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no memcached node has the id '" + nodeId
                        + "'; the nodes are " + nodes.stream().map(n -> n.address().id()).toList()));
    }

    public void addListener(StoreListener listener) {
        events.add(listener);
    }

    public void removeListener(StoreListener listener) {
        events.remove(listener);
    }

    private void onNodeTransition(NodeHealth health, NodeState from, NodeState to, String reason) {
        NodeAddress address = replication.consultedNodes().stream().filter(n -> n.shared().health() == health)
                .map(StoreNode::address).findFirst().orElse(health.node());
        if (to == NodeState.UP) {
            events.publish(StoreEvent.Type.NODE_UP, address, "memcached node " + address.describe() + " is back up");
            writeBack.flushSoon();
        } else if (from == NodeState.UP) {
            events.publish(StoreEvent.Type.NODE_DOWN, address, "memcached node " + address.describe() + " is down: "
                    + reason);
        }
        updateDegraded();
    }

    private void updateDegraded() {
        if (events.nodesUp(() -> replication.consultedNodes().stream().anyMatch(n -> n.shared().isUp()))) {
            writeBack.flushSoon();
        }
    }

    private void unexpected(RuntimeException e, String operation) {
        unexpected.warn(name + " - unexpected error in " + operation + " (" + e + "); the request goes on as if "
                + "memcached were unavailable. Please report this as a bug.");
        LOG.log(System.Logger.Level.DEBUG, name + " - unexpected error in " + operation, e);
    }

    /** Stops using the nodes; the last store in the JVM to use a node closes its connection. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        maintenance.shutdownNow();
        accessKeeper.flush(config.getOperationTimeout() * 2);
        writeBack.close();
        storeNodes.close();
        LOG.log(System.Logger.Level.INFO, "{0} - session store stopped", name);
    }
}
