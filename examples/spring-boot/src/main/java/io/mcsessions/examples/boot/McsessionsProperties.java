package io.mcsessions.examples.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code mcsessions.*} in application.properties: the Manager's attributes, in Spring's relaxed names
 * ({@code mcsessions.memcached-nodes=n1:host:11211,...}). Unset values keep the Manager's defaults.
 */
@ConfigurationProperties("mcsessions")
public class McsessionsProperties {
    private String memcachedNodes;
    private Integer redundancy;
    private boolean sticky;
    private Long operationTimeout;
    private Long retryInterval;
    private String storageKeyPrefix;
    private String lockingMode;
    private String requestUriIgnorePattern;

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

    public boolean isSticky() {
        return sticky;
    }

    public void setSticky(boolean sticky) {
        this.sticky = sticky;
    }

    public Long getOperationTimeout() {
        return operationTimeout;
    }

    public void setOperationTimeout(Long operationTimeout) {
        this.operationTimeout = operationTimeout;
    }

    public Long getRetryInterval() {
        return retryInterval;
    }

    public void setRetryInterval(Long retryInterval) {
        this.retryInterval = retryInterval;
    }

    public String getStorageKeyPrefix() {
        return storageKeyPrefix;
    }

    public void setStorageKeyPrefix(String storageKeyPrefix) {
        this.storageKeyPrefix = storageKeyPrefix;
    }

    public String getLockingMode() {
        return lockingMode;
    }

    public void setLockingMode(String lockingMode) {
        this.lockingMode = lockingMode;
    }

    public String getRequestUriIgnorePattern() {
        return requestUriIgnorePattern;
    }

    public void setRequestUriIgnorePattern(String requestUriIgnorePattern) {
        this.requestUriIgnorePattern = requestUriIgnorePattern;
    }
}
