package io.mcsessions.core;

import java.io.ObjectInputFilter;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Configuration of a {@link ReplicatedSessionStore}, shared by the Tomcat attributes and the Jetty setters.
 *
 * <p>Containers fill beans through setters, so every option has one. Nothing is checked while setting:
 * {@link #validate()} checks every value and combination once, at start, and seals the configuration.
 * Every message names the setting, the rule and the value, e.g. {@code "redundancy must be between 1 and
 * the number of nodes (3), but was 4"}.
 */
public final class StoreConfig {

    /** Default {@link #setOperationTimeout(long) operationTimeout}, in milliseconds (msm's default). */
    public static final long DEFAULT_OPERATION_TIMEOUT_MILLIS = 1000;
    /** Default {@link #setRetryInterval(long) retryInterval}, in milliseconds. */
    public static final long DEFAULT_RETRY_INTERVAL_MILLIS = 2000;
    /** Default {@link #setMaxValueSize(int) maxValueSize}: memcached's default item size limit, 1 MiB. */
    public static final int DEFAULT_MAX_VALUE_SIZE = 1024 * 1024;
    /** Default {@link #setStorageKeyPrefix(String) storageKeyPrefix}. */
    public static final String DEFAULT_STORAGE_KEY_PREFIX = "mcs:";
    /** {@link #setSerializer(String) serializer} for Java serialization, the default. */
    public static final String JAVA_SERIALIZER = "java";
    /** {@link #setSerializer(String) serializer} for Kryo 5 (needs {@code com.esotericsoftware:kryo} 5.x). */
    public static final String KRYO_SERIALIZER = "kryo";
    /** Default {@link #setLockWaitTimeout(long) lockWaitTimeout}, in milliseconds. */
    public static final long DEFAULT_LOCK_WAIT_TIMEOUT_MILLIS = 5000;
    /** Default {@link #setMaxLocalCopies(int) maxLocalCopies}. */
    public static final int DEFAULT_MAX_LOCAL_COPIES = 10_000;

    private String memcachedNodes;
    private Integer redundancy;
    private boolean sticky;
    private long operationTimeout = DEFAULT_OPERATION_TIMEOUT_MILLIS;
    private long retryInterval = DEFAULT_RETRY_INTERVAL_MILLIS;
    private long lockWaitTimeout = DEFAULT_LOCK_WAIT_TIMEOUT_MILLIS;
    private int maxLocalCopies = DEFAULT_MAX_LOCAL_COPIES;
    private String storageKeyPrefix = DEFAULT_STORAGE_KEY_PREFIX;
    private String requestUriIgnorePattern;
    private String lockingMode = "none";
    private boolean sessionBackupAsync;
    private int maxValueSize = DEFAULT_MAX_VALUE_SIZE;
    private String username;
    private String password;
    private String signingKeys;
    private String deserializationFilter;
    private String serializer = JAVA_SERIALIZER;
    private String sessionAttributeFilter;
    private String storeName = "mcsessions";
    private String writerId;

    /** The parsed forms, set once by {@link #validate()}, which seals the configuration. */
    private volatile Parsed parsed;

    private record Parsed(List<NodeAddress> nodes, Pattern requestUriIgnore, Locking locking, Pattern lockingUriPattern,
                          List<String> signingKeys, ObjectInputFilter classFilter, Pattern attributes) {
    }

    /** Kind of concurrency control for non-sticky sessions, parsed from {@code lockingMode}. */
    public enum Locking {
        /** No lock: concurrent requests for one session may overwrite each other's changes. */
        NONE,
        /** Every request holds the session's lock. */
        ALL,
        /** Requests whose URI matches {@link #getLockingUriPattern()} hold the session's lock. */
        URI_PATTERN
    }

    /** The memcached nodes, msm's {@code n1:host1:11211,n2:host2:11211} (ids optional; commas or spaces between). */
    public void setMemcachedNodes(String memcachedNodes) {
        checkNotSealed();
        this.memcachedNodes = memcachedNodes;
    }

    /** How many nodes hold a copy of each session; default min(2, number of nodes). */
    public void setRedundancy(int redundancy) {
        checkNotSealed();
        this.redundancy = redundancy;
    }

    /** Whether the container's local session is authoritative (sticky load balancing); default false. */
    public void setSticky(boolean sticky) {
        checkNotSealed();
        this.sticky = sticky;
    }

    /** How long one memcached operation may take before it counts as failed, in milliseconds; default 1000. */
    public void setOperationTimeout(long operationTimeout) {
        checkNotSealed();
        this.operationTimeout = operationTimeout;
    }

    /** How long a node that went down is left alone before one probe checks it again, in milliseconds; default 2000. */
    public void setRetryInterval(long retryInterval) {
        checkNotSealed();
        this.retryInterval = retryInterval;
    }

    /** How long a request waits for its session's lock before it goes on without, in milliseconds; default 5000. */
    public void setLockWaitTimeout(long lockWaitTimeout) {
        checkNotSealed();
        this.lockWaitTimeout = lockWaitTimeout;
    }

    /** How many sessions an instance keeps a local copy of, least recently used dropped first; default 10,000. */
    public void setMaxLocalCopies(int maxLocalCopies) {
        checkNotSealed();
        this.maxLocalCopies = maxLocalCopies;
    }

    /** Prefix of every memcached key this store writes; printable ASCII without spaces; default {@code mcs:}. */
    public void setStorageKeyPrefix(String storageKeyPrefix) {
        checkNotSealed();
        this.storageKeyPrefix = storageKeyPrefix;
    }

    /** Requests whose URI matches this regular expression neither load nor save the session (static resources). */
    public void setRequestUriIgnorePattern(String requestUriIgnorePattern) {
        checkNotSealed();
        this.requestUriIgnorePattern = requestUriIgnorePattern;
    }

    /** {@code none} (default), {@code all}, or {@code uriPattern:<regex>}: which non-sticky requests lock the session. */
    public void setLockingMode(String lockingMode) {
        checkNotSealed();
        this.lockingMode = lockingMode;
    }

    /** Whether the session is written to memcached after the response instead of before it; default false. */
    public void setSessionBackupAsync(boolean sessionBackupAsync) {
        checkNotSealed();
        this.sessionBackupAsync = sessionBackupAsync;
    }

    /** Largest value written to memcached, in bytes (memcached's item size limit, {@code -I}); default 1 MiB. */
    public void setMaxValueSize(int maxValueSize) {
        checkNotSealed();
        this.maxValueSize = maxValueSize;
    }

    /** SASL user name (binary protocol, PLAIN); needs {@link #setPassword(String)}. */
    public void setUsername(String username) {
        checkNotSealed();
        this.username = username;
    }

    /** SASL password; needs {@link #setUsername(String)}. */
    public void setPassword(String password) {
        checkNotSealed();
        this.password = password;
    }

    /**
     * HMAC-SHA256 keys, comma-separated, each at least 16 characters: the first signs, all verify. A value without a
     * valid signature is ignored before it is deserialized. Unset: values are not signed (a WARNING at each start).
     */
    public void setSigningKeys(String signingKeys) {
        checkNotSealed();
        this.signingKeys = signingKeys;
    }

    /** Classes attributes may contain, a JEP 290 pattern, on top of {@link SessionInputFilter}'s limits. */
    public void setDeserializationFilter(String deserializationFilter) {
        checkNotSealed();
        this.deserializationFilter = deserializationFilter;
    }

    /** {@code java} (default) or {@code kryo} (Kryo 5 on the class path; see {@link KryoSessionSerializer}). */
    public void setSerializer(String serializer) {
        checkNotSealed();
        this.serializer = serializer;
    }

    /** A regular expression the whole name of an attribute must match for it to be written; unset: every one. */
    public void setSessionAttributeFilter(String sessionAttributeFilter) {
        checkNotSealed();
        this.sessionAttributeFilter = sessionAttributeFilter;
    }

    /** Name that starts this store's log lines, e.g. the context path; default {@code mcsessions}. */
    public void setStoreName(String storeName) {
        checkNotSealed();
        this.storeName = storeName;
    }

    /** Identifies this instance in stored values (e.g. Tomcat's jvmRoute); default {@code host-pid}. */
    public void setWriterId(String writerId) {
        checkNotSealed();
        this.writerId = writerId;
    }

    /**
     * Checks every value and combination, derives the parsed forms and seals the configuration.
     * Calling it again on a sealed configuration does nothing.
     *
     * @throws ConfigurationException naming the setting, the rule and the value of the first problem found
     */
    public synchronized StoreConfig validate() {
        if (parsed != null) {
            return this;
        }
        List<NodeAddress> nodes = NodeLists.parse(memcachedNodes);
        redundancy = redundancy == null ? Math.min(2, nodes.size())
                : NodeLists.checkRedundancy(redundancy, nodes.size());
        ConfigValues.checkNumbers(operationTimeout, retryInterval, lockWaitTimeout, maxValueSize, maxLocalCopies);
        storageKeyPrefix = ConfigValues.prefix(storageKeyPrefix);
        Pattern requestUriIgnore = ConfigValues.compile("requestUriIgnorePattern", requestUriIgnorePattern);
        Pattern lockingUriPattern = ConfigValues.lockingUriPattern(lockingMode);
        lockingMode = lockingMode == null ? "none" : lockingMode.trim();
        Locking locking = ConfigValues.locking(lockingMode, lockingUriPattern);
        List<String> keys = ConfigValues.signingKeys(signingKeys);
        ObjectInputFilter classFilter = ConfigValues.classFilter(deserializationFilter);
        serializer = ConfigValues.serializer(serializer);
        Pattern attributes = ConfigValues.compile("sessionAttributeFilter", sessionAttributeFilter);
        ConfigValues.checkCredentials(username, password);
        storeName = storeName == null || storeName.isBlank() ? "mcsessions" : storeName;
        writerId = writerId == null || writerId.isBlank() ? ConfigValues.defaultWriterId() : writerId;
        parsed = new Parsed(nodes, requestUriIgnore, locking, lockingUriPattern, keys, classFilter, attributes);
        return this;
    }

    /**
     * A new, unsealed configuration with the settings of this one as they were set (like HikariCP's
     * {@code copyStateTo}): an adapter keeps one configuration for its setters and starts each store on a copy,
     * which the store seals, so that a restarted context is configured again from what the user set.
     */
    public synchronized StoreConfig copy() {
        StoreConfig copy = new StoreConfig();
        copy.memcachedNodes = memcachedNodes;
        copy.redundancy = redundancy;
        copy.sticky = sticky;
        copy.operationTimeout = operationTimeout;
        copy.retryInterval = retryInterval;
        copy.lockWaitTimeout = lockWaitTimeout;
        copy.maxLocalCopies = maxLocalCopies;
        copy.storageKeyPrefix = storageKeyPrefix;
        copy.requestUriIgnorePattern = requestUriIgnorePattern;
        copy.lockingMode = lockingMode;
        copy.sessionBackupAsync = sessionBackupAsync;
        copy.maxValueSize = maxValueSize;
        copy.username = username;
        copy.password = password;
        copy.signingKeys = signingKeys;
        copy.deserializationFilter = deserializationFilter;
        copy.serializer = serializer;
        copy.sessionAttributeFilter = sessionAttributeFilter;
        copy.storeName = storeName;
        copy.writerId = writerId;
        return copy;
    }

    private void checkNotSealed() {
        if (parsed != null) {
            throw new IllegalStateException("the configuration is sealed once the store has started; "
                    + "change it before starting");
        }
    }

    private Parsed parsed() {
        Parsed validated = parsed;
        if (validated == null) {
            throw new IllegalStateException("call validate() before reading derived settings");
        }
        return validated;
    }

    /** The parsed nodes, in configured order; available after {@link #validate()}. */
    public List<NodeAddress> getNodes() {
        return parsed().nodes();
    }

    public String getMemcachedNodes() {
        return memcachedNodes;
    }

    /** The redundancy as set, or null for the default, min(2, number of nodes). */
    public Integer getRedundancySetting() {
        return redundancy;
    }

    /** The number of copies; available after {@link #validate()}. */
    public int getRedundancy() {
        parsed();
        return redundancy;
    }

    public boolean isSticky() {
        return sticky;
    }

    public long getOperationTimeout() {
        return operationTimeout;
    }

    public long getRetryInterval() {
        return retryInterval;
    }

    public long getLockWaitTimeout() {
        return lockWaitTimeout;
    }

    public int getMaxLocalCopies() {
        return maxLocalCopies;
    }

    public String getStorageKeyPrefix() {
        return storageKeyPrefix;
    }

    public String getRequestUriIgnorePattern() {
        return requestUriIgnorePattern;
    }

    /** The compiled {@code requestUriIgnorePattern}, or null when none is set. */
    public Pattern getRequestUriIgnore() {
        return parsed().requestUriIgnore();
    }

    public String getLockingMode() {
        return lockingMode;
    }

    /** The parsed {@code lockingMode}. */
    public Locking getLocking() {
        return parsed().locking();
    }

    /** The pattern of {@code lockingMode="uriPattern:<regex>"}, or null. */
    public Pattern getLockingUriPattern() {
        return parsed().lockingUriPattern();
    }

    public boolean isSessionBackupAsync() {
        return sessionBackupAsync;
    }

    public int getMaxValueSize() {
        return maxValueSize;
    }

    public String getUsername() {
        return username;
    }

    public String getPassword() {
        return password;
    }

    /** The signing keys, first signs; empty when values are not signed. Available after {@link #validate()}. */
    public List<String> getSigningKeyList() {
        return parsed().signingKeys();
    }

    /** Whether {@code signingKeys} is set (before validation too); the keys are never exposed as a string. */
    public boolean isSigning() {
        return signingKeys != null && !signingKeys.isBlank();
    }

    public String getDeserializationFilter() {
        return deserializationFilter;
    }

    /** The compiled {@code deserializationFilter}, or null. */
    public ObjectInputFilter getClassFilter() {
        return parsed().classFilter();
    }

    /** The serializer's name: after {@link #validate()}, {@link #JAVA_SERIALIZER} or {@link #KRYO_SERIALIZER}. */
    public String getSerializer() {
        return serializer;
    }

    public String getSessionAttributeFilter() {
        return sessionAttributeFilter;
    }

    /** The compiled {@code sessionAttributeFilter}, or null when every attribute is written. */
    public Pattern getSessionAttributePattern() {
        return parsed().attributes();
    }

    /** Whether an attribute of this name is written to memcached ({@code sessionAttributeFilter}). */
    public boolean storesAttribute(String name) {
        Pattern attributes = parsed().attributes();
        return attributes == null || attributes.matcher(name).matches();
    }

    public String getStoreName() {
        return storeName;
    }

    public String getWriterId() {
        return writerId;
    }
}
