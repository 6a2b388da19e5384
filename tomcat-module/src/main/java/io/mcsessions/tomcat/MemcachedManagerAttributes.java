package io.mcsessions.tomcat;

import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.StoreConfig;
import org.apache.catalina.session.ManagerBase;

/**
 * The context.xml attributes of {@link MemcachedSessionManager}, apart from what it does with them. The setters
 * fill one unsealed {@link StoreConfig}; each start validates a copy of it, so a value set while the manager runs
 * applies at its next start ({@code memcachedNodes} excepted: it applies at once).
 */
public abstract class MemcachedManagerAttributes extends ManagerBase {
    final ManagerSettings settings = new ManagerSettings();

    /** The running store; null while stopped. */
    abstract ReplicatedSessionStore store();

    // ---- configuration (context.xml attributes) ----------------------------------------------------------

    /**
     * The memcached nodes, {@code n1:host:port,n2:host:port} (msm's syntax); required. Set while the manager runs
     * (through Tomcat's Manager MBean or the {@code io.mcsessions:type=SessionStore} MBean), the new list is applied
     * at once without losing sessions (see {@link ReplicatedSessionStore#setMemcachedNodes}), and kept for the
     * context's next start; context.xml still holds the old list for the next Tomcat start.
     *
     * @throws IllegalArgumentException while running, when the list is invalid (the message names the rule and the
     *                                  value); the manager goes on with its nodes
     */
    public void setMemcachedNodes(String memcachedNodes) {
        ReplicatedSessionStore running = store();
        if (running != null) {
            running.changeMemcachedNodes(memcachedNodes);
        }
        settings.config.setMemcachedNodes(memcachedNodes);
    }

    /** The node list in use while the manager runs, else the one set. */
    public String getMemcachedNodes() {
        ReplicatedSessionStore running = store();
        return running != null ? running.memcachedNodes() : settings.config.getMemcachedNodes();
    }

    /** How many nodes hold a copy of each session; default min(2, nodes). */
    public void setRedundancy(int redundancy) {
        settings.config.setRedundancy(redundancy);
        settings.wellFormed("redundancy");
    }

    /** Whether the load balancer keeps a session on one Tomcat (local copy authoritative); default false. */
    public void setSticky(boolean sticky) {
        settings.config.setSticky(sticky);
    }

    public boolean isSticky() {
        return settings.config.isSticky();
    }

    /** How long one memcached operation may take, in milliseconds; default 1000. */
    public void setOperationTimeout(long operationTimeout) {
        settings.config.setOperationTimeout(operationTimeout);
        settings.wellFormed("operationTimeout");
    }

    /** How long a failed node is left alone before one probe, in milliseconds; default 2000. */
    public void setRetryInterval(long retryInterval) {
        settings.config.setRetryInterval(retryInterval);
        settings.wellFormed("retryInterval");
    }

    /**
     * Prefix of this context's memcached keys. Default {@code mcs:<host><context path>:}, which keeps two web
     * applications on the same nodes apart. msm's token form ({@code static:x,host,context,webappVersion}) works.
     */
    public void setStorageKeyPrefix(String storageKeyPrefix) {
        settings.config.setStorageKeyPrefix(storageKeyPrefix);
    }

    /** Requests whose URI matches this regular expression neither load nor write the session. */
    public void setRequestUriIgnorePattern(String requestUriIgnorePattern) {
        settings.config.setRequestUriIgnorePattern(requestUriIgnorePattern);
    }

    /** Non-sticky only: {@code none} (default), {@code all} or {@code uriPattern:<regex>}. */
    public void setLockingMode(String lockingMode) {
        settings.config.setLockingMode(lockingMode);
    }

    /** How long a request waits for its session's lock, in milliseconds, before it goes on without; default 5000. */
    public void setLockWaitTimeout(long lockWaitTimeout) {
        settings.config.setLockWaitTimeout(lockWaitTimeout);
        settings.wellFormed("lockWaitTimeout");
    }

    /**
     * Non-sticky: how many sessions this context keeps a local copy of, least recently used dropped first; default
     * 10,000. The copies serve while no memcached node answers and save deserializing an unchanged session; without
     * a bound every Tomcat behind a round-robin balancer would hold every active session. 0 keeps none.
     */
    public void setMaxLocalCopies(int maxLocalCopies) {
        settings.config.setMaxLocalCopies(maxLocalCopies);
        settings.wellFormed("maxLocalCopies");
    }

    public int getMaxLocalCopies() {
        return settings.config.getMaxLocalCopies();
    }

    /** Whether the session is written after the response instead of before it; default false. */
    public void setSessionBackupAsync(boolean sessionBackupAsync) {
        settings.config.setSessionBackupAsync(sessionBackupAsync);
    }

    /** Largest serialized session written to memcached, in bytes (memcached's {@code -I}); default 1 MiB. */
    public void setMaxValueSize(int maxValueSize) {
        settings.config.setMaxValueSize(maxValueSize);
        settings.wellFormed("maxValueSize");
    }

    /** SASL user name; needs {@link #setPassword(String)}. */
    public void setUsername(String username) {
        settings.config.setUsername(username);
    }

    /** SASL password; needs {@link #setUsername(String)}. */
    public void setPassword(String password) {
        settings.config.setPassword(password);
    }

    /**
     * Keys that sign the values written to memcached (HMAC-SHA256), comma separated, each at least 16 characters:
     * the first signs, all verify. A value without a valid signature is ignored before anything in it is read.
     */
    public void setSigningKeys(String signingKeys) {
        settings.config.setSigningKeys(signingKeys);
    }

    /**
     * Which classes a session read from memcached may contain, as a JEP 290 pattern (e.g.
     * {@code com.shop.**;java.**;!*}); applies to attributes and to the authenticated principal.
     */
    public void setDeserializationFilter(String deserializationFilter) {
        settings.config.setDeserializationFilter(deserializationFilter);
    }

    /**
     * How session attributes are serialized: {@code java} (default) or {@code kryo} (Kryo 5, for applications that
     * used msm's Kryo transcoder; the -all jar bundles it). The same limits, {@code deserializationFilter} and
     * signing apply to both.
     */
    public void setSerializer(String serializer) {
        settings.config.setSerializer(serializer);
        settings.serializerSet = true;
    }

    public String getSerializer() {
        return settings.kryoFromMsm && !settings.serializerSet ? StoreConfig.KRYO_SERIALIZER
                : settings.config.getSerializer();
    }

    /**
     * msm's {@code sessionAttributeFilter}: a regular expression that the whole name of an attribute must match for it
     * to be written to memcached (e.g. {@code ^(userName|cart)$}); the others stay in this Tomcat's session only.
     */
    public void setSessionAttributeFilter(String sessionAttributeFilter) {
        settings.config.setSessionAttributeFilter(sessionAttributeFilter);
    }

    public String getSessionAttributeFilter() {
        return settings.config.getSessionAttributeFilter();
    }

    /**
     * Whether a login (Tomcat's principal, with its roles) is restored from a session value in memcached that was
     * not signed; default false: a login is restored only from a value signed with {@code signingKeys}, since
     * anyone who can write to memcached can plant a session with any login in it. Set it only when nothing but
     * your Tomcats can write to the memcached nodes and you cannot set {@code signingKeys}.
     */
    public void setTrustUnsignedPrincipal(boolean trustUnsignedPrincipal) {
        settings.trustUnsignedPrincipal = trustUnsignedPrincipal;
    }

    public boolean isTrustUnsignedPrincipal() {
        return settings.trustUnsignedPrincipal;
    }

    /**
     * Tomcat's digester calls this for an attribute without a setter, or whose value its setter could not take.
     * memcached-session-manager's attributes without an equivalent here ({@code failoverNodes},
     * {@code memcachedProtocol}, {@code enableStatistics}, ...) are accepted and each named in one warning at start
     * with what mcsessions does instead; msm's Kryo {@code transcoderFactoryClass} is read as
     * {@code serializer="kryo"}. A malformed number for one of our attributes (say {@code redundancy="two"}) fails
     * the context start with a message naming it, instead of Tomcat's warning and the default. Returns false for any
     * other name, which Tomcat reports as an unknown attribute.
     */
    public boolean setProperty(String name, String value) {
        return settings.untyped(name, value);
    }
}
