package io.mcsessions.tomcat;

import io.mcsessions.core.NodeStatus;
import io.mcsessions.core.ReplicatedSessionStore;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The MBean of one context's store; registered at manager start, unregistered at stop. */
final class SessionStoreJmx implements SessionStoreMXBean {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.tomcat.SessionStoreJmx");

    private final ReplicatedSessionStore store;
    private final IntSupplier localSessions;
    private final Consumer<String> changeNodes;
    private ObjectName name;

    /** @param changeNodes applies a new node list through the manager, so that its next start keeps it */
    SessionStoreJmx(ReplicatedSessionStore store, IntSupplier localSessions, Consumer<String> changeNodes) {
        this.store = store;
        this.localSessions = localSessions;
        this.changeNodes = changeNodes;
    }

    /**
     * The object name for a context: {@code io.mcsessions:type=SessionStore,host=...,context=...}, with
     * {@code ,instance=2} (3, ...) appended for a second Tomcat in the same JVM with the same host and path.
     */
    static ObjectName objectName(String host, String contextPath, int instance) throws JMException {
        String context = quoteIfNeeded(contextPath.isEmpty() ? "/" : contextPath);
        return new ObjectName("io.mcsessions:type=SessionStore,host=" + quoteIfNeeded(host) + ",context=" + context
                + (instance > 1 ? ",instance=" + instance : ""));
    }

    private static String quoteIfNeeded(String value) {
        return value.matches("[A-Za-z0-9/._~-]+") ? value : ObjectName.quote(value);
    }

    /** Registers under the first free name: never takes over another manager's MBean (it unregisters its own). */
    void register(String host, String contextPath) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (int instance = 1; name == null; instance++) {
                ObjectName candidate = objectName(host, contextPath, instance);
                try {
                    server.registerMBean(this, candidate);
                    name = candidate;
                } catch (InstanceAlreadyExistsException taken) {
                    // another Tomcat in this JVM serves the same host and path: try the next instance number
                }
            }
        } catch (JMException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, store.name() + " - could not register the session store MBean ("
                    + e + "); sessions are stored as usual, only the JMX view is missing");
        }
    }

    /** The name this MBean is registered under, or null. */
    ObjectName name() {
        return name;
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
        return store.nodes().stream().map(NodeStatus::describe).toArray(String[]::new);
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
    public String getMemcachedNodes() {
        return store.memcachedNodes();
    }

    @Override
    public void setMemcachedNodes(String memcachedNodes) {
        changeNodes.accept(memcachedNodes);
    }

    @Override
    public String[] getRetiringNodeStates() {
        return store.retiringNodes().stream().map(NodeStatus::describe).toArray(String[]::new);
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
