package io.mcsessions.tomcat;

import io.mcsessions.core.NodeStatus;
import io.mcsessions.core.ReplicatedSessionStore;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Map;
import java.util.function.IntSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The MBean of one context's store; registered at manager start, unregistered at stop. */
final class SessionStoreJmx implements SessionStoreMXBean {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.tomcat.SessionStoreJmx");

    private final ReplicatedSessionStore store;
    private final IntSupplier localSessions;
    private ObjectName name;

    SessionStoreJmx(ReplicatedSessionStore store, IntSupplier localSessions) {
        this.store = store;
        this.localSessions = localSessions;
    }

    /** The object name for a context: {@code io.mcsessions:type=SessionStore,host=...,context=...}. */
    static ObjectName objectName(String host, String contextPath) throws JMException {
        return new ObjectName("io.mcsessions:type=SessionStore,host=" + quoteIfNeeded(host) + ",context="
                + quoteIfNeeded(contextPath.isEmpty() ? "/" : contextPath));
    }

    private static String quoteIfNeeded(String value) {
        return value.matches("[A-Za-z0-9/._~-]+") ? value : ObjectName.quote(value);
    }

    void register(String host, String contextPath) {
        try {
            ObjectName candidate = objectName(host, contextPath);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(candidate)) {
                server.unregisterMBean(candidate);
            }
            server.registerMBean(this, candidate);
            name = candidate;
        } catch (JMException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, store.name() + " - could not register the session store MBean ("
                    + e + "); sessions are stored as usual, only the JMX view is missing");
        }
    }

    void unregister() {
        if (name == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, store.name() + " - could not unregister " + name, e);
        }
        name = null;
    }

    @Override
    public boolean isDegraded() {
        return store.isDegraded();
    }

    @Override
    public String[] getNodeStates() {
        return store.nodes().stream().map(SessionStoreJmx::describe).toArray(String[]::new);
    }

    private static String describe(NodeStatus status) {
        return status.node().describe() + " " + status.state() + " since " + Instant.ofEpochMilli(status.sinceMillis())
                + ", operations " + status.operations() + ", failures " + status.failures() + ", timeouts "
                + status.timeouts() + (status.lastFailure() == null ? "" : ", last failure: " + status.lastFailure());
    }

    @Override
    public Map<String, Long> getCounters() {
        return store.stats().counters();
    }

    @Override
    public int getPendingWriteBacks() {
        return store.stats().pendingWriteBacks();
    }

    @Override
    public int getLocalSessions() {
        return localSessions.getAsInt();
    }

    @Override
    public void markNodeDown(String nodeId) {
        store.markNodeDown(nodeId);
    }

    @Override
    public void markNodeUp(String nodeId) {
        store.markNodeUp(nodeId);
    }
}
