package io.mcsessions.benchmarks.jetty;

import io.mcsessions.jetty.MemcachedSessionDataStoreFactory;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.jetty.memcached.session.MemcachedSessionDataMapFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.CachingSessionDataStoreFactory;
import org.eclipse.jetty.session.DefaultSessionCacheFactory;
import org.eclipse.jetty.session.NullSessionCacheFactory;
import org.eclipse.jetty.session.NullSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionCacheFactory;
import org.eclipse.jetty.session.SessionDataStoreFactory;

/**
 * The session setups the benchmark compares: a Jetty session cache in front of a session data store. Each setup
 * installs one {@link SessionCacheFactory} and one {@link SessionDataStoreFactory} as server beans, where every
 * session handler of the server finds them when it starts. Every other cache and store setting keeps Jetty's
 * default.
 */
enum SessionSetup {
    /** Sessions only in Jetty's memory: the ceiling the others are measured against. */
    JETTY_MEMORY("jetty-memory", Cache.DEFAULT, Store.NONE),
    /** Non-sticky mcsessions: every request loads the session from memcached and writes it back. */
    JETTY_MCSESSIONS_NULL("jetty-mcsessions-null", Cache.NULL, Store.MCSESSIONS),
    /** Sticky mcsessions: the session stays in Jetty's memory, every request writes it to memcached. */
    JETTY_MCSESSIONS_DEFAULT("jetty-mcsessions-default", Cache.DEFAULT, Store.MCSESSIONS),
    /** Jetty's memcached module behind Jetty's default session cache. */
    JETTY_MEMCACHED_DEFAULT("jetty-memcached-default", Cache.DEFAULT, Store.JETTY_MEMCACHED),
    /** Jetty's memcached module with no session cache. */
    JETTY_MEMCACHED_NULL("jetty-memcached-null", Cache.NULL, Store.JETTY_MEMCACHED);

    /** Copies of each session mcsessions keeps. */
    static final int MCSESSIONS_REDUNDANCY = 2;

    private enum Cache { DEFAULT, NULL }

    private enum Store { NONE, MCSESSIONS, JETTY_MEMCACHED }

    private final String setupName;
    private final Cache cache;
    private final Store store;

    SessionSetup(String setupName, Cache cache, Store store) {
        this.setupName = setupName;
        this.cache = cache;
        this.store = store;
    }

    /** The name on the command line, e.g. {@code jetty-mcsessions-null}. */
    String setupName() {
        return setupName;
    }

    /** Whether this setup stores sessions in memcached, and so needs {@code --nodes}. */
    boolean usesMemcached() {
        return store != Store.NONE;
    }

    /** The setup called {@code name}, or {@code null}. */
    static SessionSetup named(String name) {
        return Arrays.stream(values()).filter(s -> s.setupName.equals(name)).findFirst().orElse(null);
    }

    /** Every setup name, for messages. */
    static String names() {
        return Arrays.stream(values()).map(SessionSetup::setupName).collect(Collectors.joining(", "));
    }

    /**
     * Adds this setup's session cache and store factories to {@code server}. Jetty's cache factories turn
     * {@code flushOnResponseCommit} on (a cache built without one has it off), so a request that changes an
     * attribute saves the session when the response commits and once more, with the new access time, at its end.
     */
    void install(Server server, MemcachedNodes nodes) {
        server.addBean(cache == Cache.NULL ? new NullSessionCacheFactory() : new DefaultSessionCacheFactory());
        server.addBean(storeFactory(nodes));
    }

    private SessionDataStoreFactory storeFactory(MemcachedNodes nodes) {
        return switch (store) {
            case NONE -> new NullSessionDataStoreFactory();
            case MCSESSIONS -> mcsessions(nodes);
            case JETTY_MEMCACHED -> jettyMemcached(nodes.addresses());
        };
    }

    /** Ours, with the nodes and the redundancy set and every other setting at its default. */
    private static SessionDataStoreFactory mcsessions(MemcachedNodes nodes) {
        MemcachedSessionDataStoreFactory mcsessions = new MemcachedSessionDataStoreFactory();
        mcsessions.setMemcachedNodes(nodes.asString());
        mcsessions.setRedundancy(MCSESSIONS_REDUNDANCY);
        return mcsessions;
    }

    /**
     * Jetty's memcached module as Jetty ships it: a {@code CachingSessionDataStore} whose cache is a
     * {@code MemcachedSessionDataMap} over all the nodes. Its xmemcached client spreads the keys over the nodes
     * (one copy of each session, no replication). The store behind the cache is a {@code NullSessionDataStore},
     * so memcached alone holds the sessions: the most favourable setup for Jetty's module, which is meant to
     * front a database that every save would also write. Heartbeats and expiry keep the module's defaults (on,
     * and 0: items never expire).
     *
     * <p>The caching store writes to memcached only when the store behind it moved the session's {@code lastSaved},
     * a time in milliseconds: a second save within the same millisecond (typically the end-of-request save right
     * after the save on response commit) never reaches memcached. mcsessions writes every save.
     */
    private static SessionDataStoreFactory jettyMemcached(List<InetSocketAddress> addresses) {
        MemcachedSessionDataMapFactory memcached = new MemcachedSessionDataMapFactory();
        memcached.setAddresses(addresses.toArray(InetSocketAddress[]::new));
        CachingSessionDataStoreFactory caching = new CachingSessionDataStoreFactory();
        caching.setSessionDataMapFactory(memcached);
        caching.setSessionStoreFactory(new NullSessionDataStoreFactory());
        return caching;
    }
}
