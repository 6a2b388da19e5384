package io.mcsessions.jetty;

import io.mcsessions.core.StoreConfig;
import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.eclipse.jetty.session.SessionDataStore;
import org.eclipse.jetty.session.SessionManager;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;

/**
 * Makes a {@link MemcachedSessionDataStore} for every session manager (context) of the server.
 *
 * <pre>{@code
 * MemcachedSessionDataStoreFactory sessions = new MemcachedSessionDataStoreFactory();
 * sessions.setMemcachedNodes("n1:10.0.0.1:11211,n2:10.0.0.2:11211,n3:10.0.0.3:11211");
 * server.addBean(sessions);
 * }</pre>
 *
 * <p>The setters carry the names mcsessions uses everywhere (and memcached-session-manager used before).
 * Nothing is checked while setting: each context checks every value when it starts and fails to start with a
 * message that names the setting, the rule and the value. In a jetty-base, the {@code session-store-mcsessions}
 * module sets them from {@code jetty.session.mcsessions.*} properties.
 */
@ManagedObject("Makes session data stores that replicate sessions to N memcached nodes")
public class MemcachedSessionDataStoreFactory extends AbstractSessionDataStoreFactory {
    /** Default {@link #setMaxLocalCopies(int) maxLocalCopies}. */
    public static final int DEFAULT_MAX_LOCAL_COPIES = StoreConfig.DEFAULT_MAX_LOCAL_COPIES;

    /** What the setters set; each store starts from a copy, so it keeps its settings whatever the factory is told. */
    private final StoreConfig config = new StoreConfig();
    private volatile boolean logToSlf4j = true;

    @Override
    public SessionDataStore getSessionDataStore(SessionManager manager) {
        MemcachedSessionDataStore store = new MemcachedSessionDataStore(config.copy(), logToSlf4j);
        store.setGracePeriodSec(getGracePeriodSec());
        store.setSavePeriodSec(getSavePeriodSec());
        return store;
    }

    /**
     * The memcached nodes: {@code n1:host1:11211,n2:host2:11211} (ids optional; commas or spaces between nodes).
     * Required.
     */
    public void setMemcachedNodes(String memcachedNodes) {
        config.setMemcachedNodes(memcachedNodes);
    }

    @ManagedAttribute("memcached nodes as configured")
    public String getMemcachedNodes() {
        return config.getMemcachedNodes();
    }

    /** How many nodes hold a copy of each session; default min(2, number of nodes). */
    public void setRedundancy(int redundancy) {
        config.setRedundancy(redundancy);
    }

    /** The configured redundancy, or null for the default. */
    public Integer getRedundancy() {
        return config.getRedundancySetting();
    }

    /** How long one memcached operation may take before it counts as failed, in milliseconds; default 1000. */
    public void setOperationTimeout(long operationTimeout) {
        config.setOperationTimeout(operationTimeout);
    }

    @ManagedAttribute("memcached operation timeout (ms)")
    public long getOperationTimeout() {
        return config.getOperationTimeout();
    }

    /** How long a failed node is left alone before one probe checks it again, in milliseconds; default 2000. */
    public void setRetryInterval(long retryInterval) {
        config.setRetryInterval(retryInterval);
    }

    @ManagedAttribute("pause before a failed node is probed again (ms)")
    public long getRetryInterval() {
        return config.getRetryInterval();
    }

    /**
     * Prefix of every memcached key; default {@code mcs:}. Each context adds its path and virtual host, so
     * contexts never share a key.
     */
    public void setStorageKeyPrefix(String storageKeyPrefix) {
        config.setStorageKeyPrefix(storageKeyPrefix);
    }

    @ManagedAttribute("prefix of the memcached keys")
    public String getStorageKeyPrefix() {
        return config.getStorageKeyPrefix();
    }

    /**
     * Whether a session is written to memcached in the background instead of before the response completes;
     * default false. Faster, but a request on another instance right after may read the previous copy: use it
     * with sticky sessions only.
     */
    public void setSessionBackupAsync(boolean sessionBackupAsync) {
        config.setSessionBackupAsync(sessionBackupAsync);
    }

    @ManagedAttribute("whether sessions are written in the background")
    public boolean isSessionBackupAsync() {
        return config.isSessionBackupAsync();
    }

    /** Largest value written to memcached in bytes (memcached's {@code -I}); default 1 MiB. */
    public void setMaxValueSize(int maxValueSize) {
        config.setMaxValueSize(maxValueSize);
    }

    public int getMaxValueSize() {
        return config.getMaxValueSize();
    }

    /** SASL user name (binary protocol, PLAIN); needs a password. */
    public void setUsername(String username) {
        config.setUsername(username);
    }

    public String getUsername() {
        return config.getUsername();
    }

    /** SASL password; needs a user name. */
    public void setPassword(String password) {
        config.setPassword(password);
    }

    /**
     * Comma-separated keys, each at least 16 characters, that sign every stored value (HMAC-SHA256); the first
     * signs, all verify. A value without a valid signature is ignored before it is deserialized. Set it on every
     * instance at once.
     */
    public void setSigningKeys(String signingKeys) {
        config.setSigningKeys(signingKeys);
    }

    /** Whether stored values are signed (the keys themselves are never shown). */
    @ManagedAttribute("whether stored values are signed")
    public boolean isSigning() {
        return config.isSigning();
    }

    /**
     * Which classes session attributes may contain, as a JEP 290 pattern (e.g. {@code com.shop.**;java.base/*;!*});
     * the limits of {@code SessionInputFilter} (depth, arrays, references, expansion through shared references, CPU
     * time) apply in any case.
     */
    public void setDeserializationFilter(String deserializationFilter) {
        config.setDeserializationFilter(deserializationFilter);
    }

    @ManagedAttribute("classes session attributes may contain (JEP 290 pattern)")
    public String getDeserializationFilter() {
        return config.getDeserializationFilter();
    }

    /**
     * How session attributes are serialized: {@code java} (default: Jetty's own attribute format) or {@code kryo}
     * (Kryo 5; needs {@code com.esotericsoftware:kryo} 5.x, which the jetty-base's {@code lib/mcsessions} holds). The
     * same limits, {@code deserializationFilter} and signing apply to both; either reads what the other wrote before
     * a switch only if it is {@code kryo}.
     */
    public void setSerializer(String serializer) {
        config.setSerializer(serializer);
    }

    @ManagedAttribute("how session attributes are serialized: java or kryo")
    public String getSerializer() {
        return config.getSerializer();
    }

    /**
     * Which session attributes are written to memcached: a regular expression that the whole attribute name must
     * match (memcached-session-manager's {@code sessionAttributeFilter}); the others stay in the instance's session
     * cache only. Unset: every attribute.
     */
    public void setSessionAttributeFilter(String sessionAttributeFilter) {
        config.setSessionAttributeFilter(sessionAttributeFilter);
    }

    @ManagedAttribute("names of the session attributes written to memcached (regular expression)")
    public String getSessionAttributeFilter() {
        return config.getSessionAttributeFilter();
    }

    /** Names this instance in stored values; default the session id manager's worker name, else host-pid. */
    public void setWriterId(String writerId) {
        config.setWriterId(writerId);
    }

    public String getWriterId() {
        return config.getWriterId();
    }

    /**
     * How many sessions each context keeps its last copy of, for degraded mode and for expiry (see
     * {@link MemcachedSessionDataStore}); default {@value #DEFAULT_MAX_LOCAL_COPIES}; 0 keeps none.
     */
    public void setMaxLocalCopies(int maxLocalCopies) {
        config.setMaxLocalCopies(maxLocalCopies);
    }

    @ManagedAttribute("sessions whose last copy each context keeps locally")
    public int getMaxLocalCopies() {
        return config.getMaxLocalCopies();
    }

    /**
     * Whether mcsessions' log records ({@code io.mcsessions.*}, written to {@code java.util.logging}) are sent to
     * SLF4J, where Jetty logs; default true.
     */
    public void setLogToSlf4j(boolean logToSlf4j) {
        this.logToSlf4j = logToSlf4j;
    }

    public boolean isLogToSlf4j() {
        return logToSlf4j;
    }

    @Override
    public String toString() {
        Integer redundancy = config.getRedundancySetting();
        return getClass().getSimpleName() + "[memcachedNodes=" + config.getMemcachedNodes() + ", redundancy="
                + (redundancy == null ? "default" : redundancy) + ", operationTimeout=" + config.getOperationTimeout()
                + ", retryInterval=" + config.getRetryInterval() + "]";
    }
}
