package io.mcsessions.boot;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * The {@code mcsessions.*} properties: every setting of the Tomcat manager and the Jetty store factory, under the
 * names mcsessions uses everywhere, in Spring's relaxed form ({@code mcsessions.memcached-nodes}). Setting
 * {@code mcsessions.memcached-nodes} turns the starter on.
 *
 * <p>A property left unset keeps the adapter's default; nothing is checked here. The adapter checks every value
 * when the web server starts, and a bad one fails the application's start with a message that names the setting,
 * the rule and the value (see docs/configuration.md).
 */
@ConfigurationProperties("mcsessions")
public class McsessionsProperties {

    /**
     * The memcached nodes: n1:host1:11211,n2:host2:11211 (ids optional; commas or spaces between nodes). Setting it
     * turns mcsessions on.
     */
    private String memcachedNodes;

    /** How many nodes hold a copy of each session: 1 to the number of nodes. Default: min(2, number of nodes). */
    private Integer redundancy;

    /**
     * Whether the load balancer sends all of a session's requests to one instance. Tomcat: the local session is
     * authoritative. Jetty: a DefaultSessionCache instead of a NullSessionCache. Default: false.
     */
    private Boolean sticky;

    /** Longest wait for one memcached operation (a number is milliseconds). Default: 1000ms. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration operationTimeout;

    /** How long a node that went down is left alone before one probe checks it (a number is milliseconds). Default: 2000ms. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration retryInterval;

    /**
     * Prefix of every memcached key, at most 100 printable ASCII characters. Default: Tomcat mcs:host/path:, Jetty mcs:
     * followed by the context path and virtual host.
     */
    private String storageKeyPrefix;

    /** Write the session after the response instead of before it; meant for sticky setups. Default: false. */
    private Boolean sessionBackupAsync;

    /** Largest serialized session written to memcached, at least 1KB; match memcached's -I (a number is bytes). Default: 1MB. */
    @DataSizeUnit(DataUnit.BYTES)
    private DataSize maxValueSize;

    /** SASL PLAIN user name; set together with the password. */
    private String username;

    /** SASL PLAIN password; set together with the user name. */
    private String password;

    /**
     * Comma-separated keys, each at least 16 characters, that sign every stored value (HMAC-SHA256): the first
     * signs, all verify. Unset: values are not signed.
     */
    private String signingKeys;

    /** JEP 290 pattern of the classes session attributes may contain, e.g. com.shop.**;java.base/*;!*. */
    private String deserializationFilter;

    /**
     * How session attributes are serialized: java or kryo (Kryo 5; add com.esotericsoftware:kryo 5.x). Default:
     * java.
     */
    private String serializer;

    /**
     * A regular expression the whole attribute name must match for the attribute to be written to memcached (msm's
     * sessionAttributeFilter); the others stay in the instance that set them. Unset: every attribute.
     */
    private String sessionAttributeFilter;

    /** Tomcat only: a regular expression; requests whose URI matches it neither load nor save the session. */
    private String requestUriIgnorePattern;

    /** Tomcat only, non-sticky: none, all or uriPattern:regex (which requests lock their session). Default: none. */
    private String lockingMode;

    /** Tomcat only: how long a request waits for its session's lock (a number is milliseconds). Default: 5000ms. */
    @DurationUnit(ChronoUnit.MILLIS)
    private Duration lockWaitTimeout;

    /**
     * Tomcat only: restore a login (principal) also from a value that is not signed. Default: false (without
     * signing-keys, a user who moves to another Tomcat logs in again; anyone who can write to memcached could plant
     * one otherwise).
     */
    private Boolean trustUnsignedPrincipal;

    /** Jetty only: names this instance in stored values. Default: Jetty's worker name, else host-pid. */
    private String writerId;

    /**
     * Sessions whose last copy each context keeps (Tomcat non-sticky, and Jetty), for degraded mode (and Jetty's
     * expiry); the least recently used go first; 0 keeps none. Default: 10000.
     */
    private Integer maxLocalCopies;

    /** Jetty only: send mcsessions' log records to SLF4J, where Boot logs. Default: true. */
    private Boolean logToSlf4j;

    /** Jetty only: Jetty's savePeriodSec (seconds a session may go unsaved when only its access time changed). Default: 0. */
    private Integer savePeriodSec;

    /** Jetty only: Jetty's gracePeriodSec (seconds after expiry before an orphan is scavenged). Default: 3600. */
    private Integer gracePeriodSec;

    public String getMemcachedNodes() {
        return memcachedNodes;
    }

    public void setMemcachedNodes(String memcachedNodes) {
        this.memcachedNodes = memcachedNodes;
    }

    public Integer getRedundancy() {
        return redundancy;
    }

    public void setRedundancy(Integer redundancy) {
        this.redundancy = redundancy;
    }

    public Boolean getSticky() {
        return sticky;
    }

    public void setSticky(Boolean sticky) {
        this.sticky = sticky;
    }

    public Duration getOperationTimeout() {
        return operationTimeout;
    }

    public void setOperationTimeout(Duration operationTimeout) {
        this.operationTimeout = operationTimeout;
    }

    public Duration getRetryInterval() {
        return retryInterval;
    }

    public void setRetryInterval(Duration retryInterval) {
        this.retryInterval = retryInterval;
    }

    public String getStorageKeyPrefix() {
        return storageKeyPrefix;
    }

    public void setStorageKeyPrefix(String storageKeyPrefix) {
        this.storageKeyPrefix = storageKeyPrefix;
    }

    public Boolean getSessionBackupAsync() {
        return sessionBackupAsync;
    }

    public void setSessionBackupAsync(Boolean sessionBackupAsync) {
        this.sessionBackupAsync = sessionBackupAsync;
    }

    public DataSize getMaxValueSize() {
        return maxValueSize;
    }

    public void setMaxValueSize(DataSize maxValueSize) {
        this.maxValueSize = maxValueSize;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getSigningKeys() {
        return signingKeys;
    }

    public void setSigningKeys(String signingKeys) {
        this.signingKeys = signingKeys;
    }

    public String getDeserializationFilter() {
        return deserializationFilter;
    }

    public void setDeserializationFilter(String deserializationFilter) {
        this.deserializationFilter = deserializationFilter;
    }

    public String getSerializer() {
        return serializer;
    }

    public void setSerializer(String serializer) {
        this.serializer = serializer;
    }

    public String getSessionAttributeFilter() {
        return sessionAttributeFilter;
    }

    public void setSessionAttributeFilter(String sessionAttributeFilter) {
        this.sessionAttributeFilter = sessionAttributeFilter;
    }

    public String getRequestUriIgnorePattern() {
        return requestUriIgnorePattern;
    }

    public void setRequestUriIgnorePattern(String requestUriIgnorePattern) {
        this.requestUriIgnorePattern = requestUriIgnorePattern;
    }

    public String getLockingMode() {
        return lockingMode;
    }

    public void setLockingMode(String lockingMode) {
        this.lockingMode = lockingMode;
    }

    public Duration getLockWaitTimeout() {
        return lockWaitTimeout;
    }

    public void setLockWaitTimeout(Duration lockWaitTimeout) {
        this.lockWaitTimeout = lockWaitTimeout;
    }

    public Boolean getTrustUnsignedPrincipal() {
        return trustUnsignedPrincipal;
    }

    public void setTrustUnsignedPrincipal(Boolean trustUnsignedPrincipal) {
        this.trustUnsignedPrincipal = trustUnsignedPrincipal;
    }

    public String getWriterId() {
        return writerId;
    }

    public void setWriterId(String writerId) {
        this.writerId = writerId;
    }

    public Integer getMaxLocalCopies() {
        return maxLocalCopies;
    }

    public void setMaxLocalCopies(Integer maxLocalCopies) {
        this.maxLocalCopies = maxLocalCopies;
    }

    public Boolean getLogToSlf4j() {
        return logToSlf4j;
    }

    public void setLogToSlf4j(Boolean logToSlf4j) {
        this.logToSlf4j = logToSlf4j;
    }

    public Integer getSavePeriodSec() {
        return savePeriodSec;
    }

    public void setSavePeriodSec(Integer savePeriodSec) {
        this.savePeriodSec = savePeriodSec;
    }

    public Integer getGracePeriodSec() {
        return gracePeriodSec;
    }

    public void setGracePeriodSec(Integer gracePeriodSec) {
        this.gracePeriodSec = gracePeriodSec;
    }

    /** Never shows the password or the signing keys. */
    @Override
    public String toString() {
        return "mcsessions[memcached-nodes=" + memcachedNodes + ", redundancy=" + redundancy + ", sticky=" + sticky
                + "]";
    }
}
