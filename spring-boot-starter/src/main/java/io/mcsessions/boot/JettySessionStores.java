package io.mcsessions.boot;

import static io.mcsessions.boot.AdapterSettings.bytes;
import static io.mcsessions.boot.AdapterSettings.millis;
import static io.mcsessions.boot.AdapterSettings.set;

import io.mcsessions.jetty.MemcachedSessionDataStoreFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.AbstractSessionCacheFactory;
import org.eclipse.jetty.session.DefaultSessionCacheFactory;
import org.eclipse.jetty.session.NullSessionCacheFactory;
import org.eclipse.jetty.session.SessionCacheFactory;

/**
 * Puts mcsessions on an embedded Jetty server, as {@code server.addBean} does by hand: a
 * {@link MemcachedSessionDataStoreFactory} from the properties, and the session cache that {@code sticky} asks for
 * (Jetty's {@code NullSessionCache} for non-sticky, so every request reads the newest copy; its
 * {@code DefaultSessionCache} for sticky). Every session handler of the server finds both beans when it starts.
 */
public final class JettySessionStores {

    private JettySessionStores() {
    }

    /** Adds the store factory and the session cache factory to the server, before it starts. */
    public static void addTo(Server server, McsessionsProperties p) {
        server.addBean(newCacheFactory(p));
        server.addBean(newStoreFactory(p));
    }

    /**
     * {@code DefaultSessionCacheFactory} when sticky, else {@code NullSessionCacheFactory}; either flushes a changed
     * session when the response commits unless {@code sessionBackupAsync} is set.
     */
    public static SessionCacheFactory newCacheFactory(McsessionsProperties p) {
        AbstractSessionCacheFactory cache = Boolean.TRUE.equals(p.getSticky()) ? new DefaultSessionCacheFactory()
                : new NullSessionCacheFactory();
        // Jetty otherwise writes the session when the request completes, after the response has gone out: the
        // browser's next request, on another instance, could read the copy before it (seen on Boot 3.5's Jetty).
        cache.setFlushOnResponseCommit(!Boolean.TRUE.equals(p.getSessionBackupAsync()));
        return cache;
    }

    /**
     * A store factory with every property that is set; the others keep the factory's defaults.
     *
     * @throws io.mcsessions.core.ConfigurationException when a setting that core checks is invalid
     */
    public static MemcachedSessionDataStoreFactory newStoreFactory(McsessionsProperties p) {
        AdapterSettings.check(p, false);
        AdapterSettings.warnIgnored(AdapterSettings.tomcatOnly(p), "Jetty", "Tomcat");
        MemcachedSessionDataStoreFactory factory = new MemcachedSessionDataStoreFactory();
        factory.setMemcachedNodes(p.getMemcachedNodes());
        set(p.getRedundancy(), factory::setRedundancy);
        set(millis(p.getOperationTimeout()), factory::setOperationTimeout);
        set(millis(p.getRetryInterval()), factory::setRetryInterval);
        set(p.getStorageKeyPrefix(), factory::setStorageKeyPrefix);
        set(p.getSessionBackupAsync(), factory::setSessionBackupAsync);
        set(bytes(p.getMaxValueSize()), factory::setMaxValueSize);
        set(p.getUsername(), factory::setUsername);
        set(p.getPassword(), factory::setPassword);
        set(p.getSigningKeys(), factory::setSigningKeys);
        set(p.getDeserializationFilter(), factory::setDeserializationFilter);
        set(p.getSerializer(), factory::setSerializer);
        set(p.getSessionAttributeFilter(), factory::setSessionAttributeFilter);
        set(p.getWriterId(), factory::setWriterId);
        set(p.getMaxLocalCopies(), factory::setMaxLocalCopies);
        set(p.getLogToSlf4j(), factory::setLogToSlf4j);
        set(p.getSavePeriodSec(), factory::setSavePeriodSec);
        set(p.getGracePeriodSec(), factory::setGracePeriodSec);
        return factory;
    }
}
