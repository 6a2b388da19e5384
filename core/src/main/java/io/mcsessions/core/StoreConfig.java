package io.mcsessions.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

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

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern NODE_ENTRY =
            Pattern.compile("(?:(?<id>[^:\\[\\]]*):)?(?<host>\\[[^\\]]*]|[^:\\[\\]]*):(?<port>[^:\\[\\]]*)");
    private static final int MAX_PREFIX_LENGTH = 100;
    private static final int MAX_NODES = 256;

    private String memcachedNodes;
    private Integer redundancy;
    private boolean sticky;
    private long operationTimeout = DEFAULT_OPERATION_TIMEOUT_MILLIS;
    private long retryInterval = DEFAULT_RETRY_INTERVAL_MILLIS;
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

    private volatile boolean sealed;
    private List<NodeAddress> nodes = List.of();
    private Pattern requestUriIgnore;
    private Pattern lockingUriPattern;
    private List<String> parsedSigningKeys = List.of();
    private java.io.ObjectInputFilter classFilter;
    private Pattern sessionAttributePattern;

    /** Kind of concurrency control for non-sticky sessions, parsed from {@code lockingMode}. */
    public enum Locking {
        /** No lock: concurrent requests for one session may overwrite each other's changes. */
        NONE,
        /** Every request holds the session's lock. */
        ALL,
        /** Requests whose URI matches {@link #getLockingUriPattern()} hold the session's lock. */
        URI_PATTERN
    }

    /**
     * The memcached nodes, in msm's syntax: {@code n1:host1:11211,n2:host2:11211}; ids are optional
     * ({@code host:port} alone takes the id {@code host:port}), and nodes may be separated by commas or spaces.
     */
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
     * Keys that sign stored values with HMAC-SHA256, comma-separated, each at least 16 characters: the first
     * signs, all verify (rotate by putting a new key first). A value without a valid signature is ignored
     * before it is deserialized. Unset: values are not signed (a WARNING at each start).
     */
    public void setSigningKeys(String signingKeys) {
        checkNotSealed();
        this.signingKeys = signingKeys;
    }

    /**
     * Which classes session attributes may contain, as a JEP 290 pattern (e.g. {@code com.shop.**;java.**;!*}),
     * on top of the limits of {@link SessionInputFilter} (depth, arrays, references, expansion through shared
     * references, CPU time). Unset: only the limits apply.
     */
    public void setDeserializationFilter(String deserializationFilter) {
        checkNotSealed();
        this.deserializationFilter = deserializationFilter;
    }

    /**
     * How session attributes are serialized: {@code java} (default) or {@code kryo} (Kryo 5, for users of
     * memcached-session-manager's Kryo transcoder; needs {@code com.esotericsoftware:kryo} 5.x on the class path).
     * Either way the same limits, {@code deserializationFilter} and signing apply; see {@link KryoSessionSerializer}.
     */
    public void setSerializer(String serializer) {
        checkNotSealed();
        this.serializer = serializer;
    }

    /**
     * Which session attributes are written to memcached, as a regular expression that the whole attribute name must
     * match (memcached-session-manager's {@code sessionAttributeFilter}, e.g. {@code ^(userName|cart)$}). Attributes
     * that do not match stay in the container that set them. Unset: every attribute that serializes is written.
     */
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
        if (sealed) {
            return this;
        }
        nodes = parseNodes(memcachedNodes);
        if (redundancy == null) {
            redundancy = Math.min(2, nodes.size());
        } else {
            checkRedundancy(redundancy, nodes.size());
        }
        requirePositive("operationTimeout", operationTimeout);
        requirePositive("retryInterval", retryInterval);
        if (maxValueSize < 1024) {
            throw new ConfigurationException("maxValueSize must be at least 1024 bytes, but was " + maxValueSize);
        }
        validatePrefix();
        requestUriIgnore = compile("requestUriIgnorePattern", requestUriIgnorePattern);
        parseLockingMode();
        parseSigningKeys();
        parseDeserializationFilter();
        parseSerializer();
        sessionAttributePattern = compile("sessionAttributeFilter", sessionAttributeFilter);
        if ((username == null) != (password == null)) {
            throw new ConfigurationException("username and password must be set together, but only "
                    + (username == null ? "password" : "username") + " was set");
        }
        if (storeName == null || storeName.isBlank()) {
            storeName = "mcsessions";
        }
        if (writerId == null || writerId.isBlank()) {
            writerId = defaultWriterId();
        }
        sealed = true;
        return this;
    }

    /** Also checks a node list given at run time ({@link ReplicatedSessionStore#setMemcachedNodes}). */
    static void checkRedundancy(int redundancy, int nodeCount) {
        if (redundancy < 1 || redundancy > nodeCount) {
            throw new ConfigurationException("redundancy must be between 1 and the number of nodes ("
                    + nodeCount + "), but was " + redundancy);
        }
    }

    /** Parses {@code memcachedNodes}; also a node list given at run time. */
    static List<NodeAddress> parseNodes(String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("memcachedNodes must name at least one node as id:host:port "
                    + "(e.g. n1:10.0.0.1:11211,n2:10.0.0.2:11211), but was " + quote(value));
        }
        List<NodeAddress> parsed = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (String entry : value.trim().split("[,\\s]+")) {
            NodeAddress node = parseNode(entry);
            if (!ids.add(node.id())) {
                throw new ConfigurationException("memcachedNodes must not repeat a node id, but id '" + node.id()
                        + "' appears twice in " + quote(value));
            }
            if (!addresses.add(node.address().toLowerCase(Locale.ROOT))) {
                throw new ConfigurationException("memcachedNodes must not repeat an address, but "
                        + node.address() + " appears twice in " + quote(value));
            }
            parsed.add(node);
        }
        if (parsed.size() > MAX_NODES) {
            throw new ConfigurationException("memcachedNodes must name at most " + MAX_NODES + " nodes, but named "
                    + parsed.size());
        }
        return List.copyOf(parsed);
    }

    private static NodeAddress parseNode(String entry) {
        Matcher m = NODE_ENTRY.matcher(entry);
        if (!m.matches()) {
            throw new ConfigurationException("memcachedNodes entries must be id:host:port or host:port, but was "
                    + quote(entry));
        }
        String id = m.group("id");
        String host = m.group("host");
        String port = m.group("port");
        if (id != null && !NODE_ID.matcher(id).matches()) {
            throw new ConfigurationException("memcachedNodes node ids must be 1-64 letters, digits, '.', '_' or '-', "
                    + "but was " + quote(id) + " in " + quote(entry));
        }
        if (!HOST.matcher(host).matches()) {
            throw new ConfigurationException("memcachedNodes hosts must be a host name or an IP address, but was "
                    + quote(host) + " in " + quote(entry));
        }
        int portNumber = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : -1;
        if (portNumber < 1 || portNumber > 65535) {
            throw new ConfigurationException("memcachedNodes ports must be between 1 and 65535, but was "
                    + quote(port) + " in " + quote(entry));
        }
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new NodeAddress(id == null ? host + ":" + portNumber : id, bareHost, portNumber);
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new ConfigurationException(name + " must be a positive number of milliseconds, but was " + value);
        }
    }

    private void validatePrefix() {
        if (storageKeyPrefix == null) {
            storageKeyPrefix = "";
        }
        if (storageKeyPrefix.length() > MAX_PREFIX_LENGTH || !storageKeyPrefix.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new ConfigurationException("storageKeyPrefix must be at most " + MAX_PREFIX_LENGTH
                    + " printable ASCII characters without spaces, but was " + quote(storageKeyPrefix));
        }
    }

    private void parseLockingMode() {
        String mode = lockingMode == null ? "none" : lockingMode.trim();
        if (mode.equalsIgnoreCase("none")) {
            lockingUriPattern = null;
        } else if (mode.equalsIgnoreCase("all")) {
            lockingUriPattern = null;
        } else if (mode.startsWith("uriPattern:")) {
            lockingUriPattern = compile("lockingMode", mode.substring("uriPattern:".length()));
            if (lockingUriPattern == null) {
                throw new ConfigurationException("lockingMode uriPattern: needs a regular expression after the colon, "
                        + "but was " + quote(lockingMode));
            }
        } else {
            throw new ConfigurationException("lockingMode must be none, all or uriPattern:<regex>, but was "
                    + quote(lockingMode));
        }
        lockingMode = mode;
    }

    private void parseSigningKeys() {
        if (signingKeys == null || signingKeys.isBlank()) {
            parsedSigningKeys = List.of();
            return;
        }
        List<String> keys = new ArrayList<>();
        for (String key : signingKeys.split(",")) {
            String trimmed = key.trim();
            if (trimmed.length() < 16) {
                throw new ConfigurationException("signingKeys must each be at least 16 characters, but key "
                        + (keys.size() + 1) + " has " + trimmed.length());
            }
            if (trimmed.startsWith("${") && trimmed.endsWith("}")) {
                // A property the container did not replace: as a key it would be a secret printed in the docs.
                throw new ConfigurationException("signingKeys must be secrets, but key " + (keys.size() + 1) + " is "
                        + "the property reference " + trimmed + " that nothing replaced: define the property (e.g. in "
                        + "Tomcat's conf/catalina.properties)");
            }
            keys.add(trimmed);
        }
        parsedSigningKeys = List.copyOf(keys);
    }

    private void parseDeserializationFilter() {
        if (deserializationFilter == null || deserializationFilter.isBlank()) {
            classFilter = null;
            return;
        }
        try {
            classFilter = java.io.ObjectInputFilter.Config.createFilter(deserializationFilter);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("deserializationFilter must be a JEP 290 filter pattern (e.g. "
                    + "com.shop.**;java.**;!*), but was " + quote(deserializationFilter) + ": " + e.getMessage());
        }
    }

    private void parseSerializer() {
        String name = serializer == null || serializer.isBlank() ? JAVA_SERIALIZER
                : serializer.trim().toLowerCase(Locale.ROOT);
        if (!name.equals(JAVA_SERIALIZER) && !name.equals(KRYO_SERIALIZER)) {
            throw new ConfigurationException("serializer must be java or kryo, but was " + quote(serializer));
        }
        if (name.equals(KRYO_SERIALIZER) && !kryoAvailable()) {
            throw new ConfigurationException("serializer kryo needs Kryo 5 (com.esotericsoftware:kryo 5.x, with "
                    + "objenesis, minlog and reflectasm) on the class path beside mcsessions-core, but it was not found; "
                    + "add it, or set serializer to java");
        }
        serializer = name;
    }

    /**
     * Whether Kryo 5 can be loaded beside this class: its {@code Pool} exists in Kryo 5 only. By name, so that this
     * class never links to Kryo (the Tomcat drop-in jars relocate the name along with the classes).
     */
    private static boolean kryoAvailable() {
        try {
            Class.forName("com.esotericsoftware.kryo.util.Pool", false, StoreConfig.class.getClassLoader());
            Class.forName("org.objenesis.strategy.StdInstantiatorStrategy", false, StoreConfig.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static Pattern compile(String name, String regex) {
        if (regex == null || regex.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new ConfigurationException(name + " must be a valid regular expression, but was " + quote(regex)
                    + ": " + e.getDescription());
        }
    }

    private static String defaultWriterId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | SecurityException e) {
            host = "localhost";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private static String quote(String value) {
        return value == null ? "<not set>" : "'" + value + "'";
    }

    private void checkNotSealed() {
        if (sealed) {
            throw new IllegalStateException("the configuration is sealed once the store has started; "
                    + "change it before starting");
        }
    }

    private void checkSealed() {
        if (!sealed) {
            throw new IllegalStateException("call validate() before reading derived settings");
        }
    }

    /** The parsed nodes, in configured order; available after {@link #validate()}. */
    public List<NodeAddress> getNodes() {
        checkSealed();
        return nodes;
    }

    public String getMemcachedNodes() {
        return memcachedNodes;
    }

    /** The number of copies; after {@link #validate()} never null. */
    public int getRedundancy() {
        checkSealed();
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

    public String getStorageKeyPrefix() {
        return storageKeyPrefix;
    }

    public String getRequestUriIgnorePattern() {
        return requestUriIgnorePattern;
    }

    /** The compiled {@code requestUriIgnorePattern}, or null when none is set. */
    public Pattern getRequestUriIgnore() {
        checkSealed();
        return requestUriIgnore;
    }

    public String getLockingMode() {
        return lockingMode;
    }

    /** The parsed {@code lockingMode}. */
    public Locking getLocking() {
        checkSealed();
        if (lockingMode.equalsIgnoreCase("all")) {
            return Locking.ALL;
        }
        return lockingUriPattern == null ? Locking.NONE : Locking.URI_PATTERN;
    }

    /** The pattern of {@code lockingMode="uriPattern:<regex>"}, or null. */
    public Pattern getLockingUriPattern() {
        checkSealed();
        return lockingUriPattern;
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
        checkSealed();
        return parsedSigningKeys;
    }

    /** Whether {@code signingKeys} is set; the keys themselves are never exposed as a string. */
    public boolean isSigning() {
        checkSealed();
        return !parsedSigningKeys.isEmpty();
    }

    public String getDeserializationFilter() {
        return deserializationFilter;
    }

    /** The compiled {@code deserializationFilter}, or null. */
    public java.io.ObjectInputFilter getClassFilter() {
        checkSealed();
        return classFilter;
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
        checkSealed();
        return sessionAttributePattern;
    }

    /** Whether an attribute of this name is written to memcached ({@code sessionAttributeFilter}). */
    public boolean storesAttribute(String name) {
        checkSealed();
        return sessionAttributePattern == null || sessionAttributePattern.matcher(name).matches();
    }

    public String getStoreName() {
        return storeName;
    }

    public String getWriterId() {
        return writerId;
    }
}
