package io.mcsessions.boot;

import static io.mcsessions.boot.AdapterSettings.bytes;
import static io.mcsessions.boot.AdapterSettings.millis;
import static io.mcsessions.boot.AdapterSettings.set;

import io.mcsessions.tomcat.MemcachedSessionManager;

/**
 * Makes the context's {@link MemcachedSessionManager} from the properties: what {@code <Manager>} in context.xml
 * does for a standalone Tomcat. A bad value fails the context's start, and with it the application's, with the
 * manager's message.
 */
public final class TomcatSessionManagers {

    private TomcatSessionManagers() {
    }

    /**
     * A manager with every property that is set; the others keep the manager's defaults.
     *
     * @throws io.mcsessions.core.ConfigurationException when a setting that core checks is invalid
     */
    public static MemcachedSessionManager newManager(McsessionsProperties p) {
        AdapterSettings.check(p, true);
        AdapterSettings.warnIgnored(AdapterSettings.jettyOnly(p), "Tomcat", "Jetty");
        MemcachedSessionManager manager = new MemcachedSessionManager();
        manager.setMemcachedNodes(p.getMemcachedNodes());
        set(p.getRedundancy(), manager::setRedundancy);
        set(p.getSticky(), manager::setSticky);
        set(millis(p.getOperationTimeout()), manager::setOperationTimeout);
        set(millis(p.getRetryInterval()), manager::setRetryInterval);
        set(p.getStorageKeyPrefix(), manager::setStorageKeyPrefix);
        set(p.getSessionBackupAsync(), manager::setSessionBackupAsync);
        set(bytes(p.getMaxValueSize()), manager::setMaxValueSize);
        set(p.getUsername(), manager::setUsername);
        set(p.getPassword(), manager::setPassword);
        set(p.getSigningKeys(), manager::setSigningKeys);
        set(p.getDeserializationFilter(), manager::setDeserializationFilter);
        set(p.getSerializer(), manager::setSerializer);
        set(p.getSessionAttributeFilter(), manager::setSessionAttributeFilter);
        set(p.getRequestUriIgnorePattern(), manager::setRequestUriIgnorePattern);
        set(p.getLockingMode(), manager::setLockingMode);
        set(millis(p.getLockWaitTimeout()), manager::setLockWaitTimeout);
        set(p.getMaxLocalCopies(), manager::setMaxLocalCopies);
        set(p.getTrustUnsignedPrincipal(), manager::setTrustUnsignedPrincipal);
        return manager;
    }
}
