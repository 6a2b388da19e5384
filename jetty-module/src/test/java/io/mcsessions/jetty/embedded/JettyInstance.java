package io.mcsessions.jetty.embedded;

import io.mcsessions.jetty.MemcachedSessionDataStore;
import io.mcsessions.jetty.MemcachedSessionDataStoreFactory;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.session.DefaultSessionCacheFactory;
import org.eclipse.jetty.session.DefaultSessionIdManager;
import org.eclipse.jetty.session.HouseKeeper;
import org.eclipse.jetty.session.NullSessionCacheFactory;

/**
 * One embedded Jetty server on a free loopback port, with the mcsessions factory added as a bean (the embedded
 * setup users write) and the test webapp at {@code /counter}.
 */
@SuppressWarnings("try") // close() throws what Server.stop() throws, InterruptedException included
public final class JettyInstance implements AutoCloseable {
    /** The test webapp's context path. */
    public static final String CONTEXT_PATH = "/counter";

    private final Server server;
    private final ServerConnector connector;
    private final String worker;
    private final MBeanContainer mbeans;

    private JettyInstance(Server server, ServerConnector connector, String worker, MBeanContainer mbeans) {
        this.server = server;
        this.connector = connector;
        this.worker = worker;
        this.mbeans = mbeans;
    }

    /** How to start an instance. */
    public static Builder in(ServletEnvironment environment) {
        return new Builder(environment);
    }

    /** The worker name, the suffix of the session ids this instance hands out. */
    public String worker() {
        return worker;
    }

    public URI uri(String query) {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + CONTEXT_PATH + "/"
                + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    /** The session data store of the test webapp's context. */
    public MemcachedSessionDataStore store() {
        return server.getContainedBeans(MemcachedSessionDataStore.class).stream().findFirst()
                .orElseThrow(() -> new IllegalStateException("no MemcachedSessionDataStore in " + server.dump()));
    }

    public Server server() {
        return server;
    }

    /** Stops the server: the instance is lost, its sessions live on in memcached. */
    @Override
    public void close() throws Exception {
        try {
            server.stop();
        } finally {
            if (mbeans != null) {
                mbeans.destroy(); // unregisters this server's MBeans
            }
        }
    }

    @Override
    public String toString() {
        return "Jetty " + worker + " on port " + connector.getLocalPort();
    }

    /** Options of an instance. */
    public static final class Builder {
        private final ServletEnvironment environment;
        private final List<EventListener> listeners = new ArrayList<>();
        private String worker = "a";
        private boolean nullCache = true;
        private long scavengeSeconds = 600;
        private boolean jmx;
        private int evictIdleSeconds = -1;

        private Builder(ServletEnvironment environment) {
            this.environment = environment;
        }

        public Builder worker(String worker) {
            this.worker = worker;
            return this;
        }

        /** NullSessionCache (non-sticky, the default here) or DefaultSessionCache (sticky). */
        public Builder sticky(boolean sticky) {
            this.nullCache = !sticky;
            return this;
        }

        public Builder scavengeSeconds(long seconds) {
            this.scavengeSeconds = seconds;
            return this;
        }

        public Builder listener(EventListener listener) {
            listeners.add(listener);
            return this;
        }

        /** A sticky cache evicts sessions idle this long (DefaultSessionCache's eviction policy). */
        public Builder evictIdleSeconds(int seconds) {
            this.evictIdleSeconds = seconds;
            return this;
        }

        /** Registers the server's beans in the platform MBean server. */
        public Builder jmx() {
            this.jmx = true;
            return this;
        }

        public JettyInstance start(MemcachedSessionDataStoreFactory sessions) throws Exception {
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            MBeanContainer mbeans = jmx ? new MBeanContainer(ManagementFactory.getPlatformMBeanServer()) : null;
            if (mbeans != null) {
                server.addBean(mbeans);
            }
            DefaultSessionIdManager ids = new DefaultSessionIdManager(server);
            ids.setWorkerName(worker);
            HouseKeeper houseKeeper = new HouseKeeper();
            houseKeeper.setSessionIdManager(ids);
            houseKeeper.setIntervalSec(scavengeSeconds);
            ids.setSessionHouseKeeper(houseKeeper);
            server.addBean(ids, true);
            if (nullCache) {
                server.addBean(new NullSessionCacheFactory());
            } else {
                DefaultSessionCacheFactory cache = new DefaultSessionCacheFactory();
                cache.setEvictionPolicy(evictIdleSeconds);
                server.addBean(cache);
            }
            server.addBean(sessions);
            server.setHandler(environment.newContext(CONTEXT_PATH, CounterWebapp.newLoader(),
                    CounterWebapp.COUNTER_SERVLET, listeners));
            try {
                server.start();
            } catch (Exception e) {
                server.stop();
                if (mbeans != null) {
                    mbeans.destroy();
                }
                throw e;
            }
            return new JettyInstance(server, connector, worker, mbeans);
        }
    }
}
