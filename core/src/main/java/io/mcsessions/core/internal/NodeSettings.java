package io.mcsessions.core.internal;

/**
 * How a node's client is set up. The first store to name a node decides these for the whole JVM.
 *
 * @param operationTimeoutMillis bound of one probe; also the basis of the client library's own clean-up timeout
 * @param retryIntervalMillis    how long a node that went down is left alone before one probe
 * @param username               SASL user, or null
 * @param password               SASL password, or null
 */
public record NodeSettings(long operationTimeoutMillis, long retryIntervalMillis, String username, String password) {
}
