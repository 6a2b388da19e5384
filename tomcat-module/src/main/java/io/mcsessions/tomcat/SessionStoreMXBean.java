package io.mcsessions.tomcat;

import java.util.Map;

/**
 * The JMX view of one context's session store, registered as
 * {@code io.mcsessions:type=SessionStore,host=<host>,context=<path>}.
 */
public interface SessionStoreMXBean {

    /** Whether no memcached node is reachable, so that sessions live only in this Tomcat. */
    boolean isDegraded();

    /** One line per node: {@code n1 (10.0.0.1:11211) UP since 2024-05-01T10:00:00Z, last failure: ...}. */
    String[] getNodeStates();

    /** The store's counters, e.g. {@code loadFound}, {@code saveStored}, {@code saveDegraded}, {@code repair}. */
    Map<String, Long> getCounters();

    /** The memcached nodes in use, {@code n1:host:port,n2:host:port}. */
    String getMemcachedNodes();

    /**
     * Applies a new node list at once, without a restart and without losing sessions: new nodes take their share
     * of the sessions as they are written; the replaced list is still read (and written) for the longest session
     * timeout, then nodes only it names are released. Set the same list on every instance within that time.
     *
     * @throws IllegalArgumentException when the list is invalid; the message names the rule and the value
     */
    void setMemcachedNodes(String memcachedNodes);

    /**
     * Nodes a node list change removed that are still read until the change completes, one line each as in
     * {@link #getNodeStates()}; empty when no change is in progress.
     */
    String[] getRetiringNodeStates();

    /** Sessions saved while no node was reachable, waiting to be written when one returns. */
    int getPendingWriteBacks();

    /** Sessions this Tomcat holds locally (in non-sticky mode, a cache of memcached). */
    int getLocalSessions();

    /** Takes a node out of service for the whole JVM until {@link #markNodeUp(String)}. */
    void markNodeDown(String nodeId);

    /** Returns a node that was marked down to service; it is probed at once. */
    void markNodeUp(String nodeId);
}
