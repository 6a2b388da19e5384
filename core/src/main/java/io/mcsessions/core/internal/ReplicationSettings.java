package io.mcsessions.core.internal;

/**
 * What {@link Replication} needs of a store's configuration.
 *
 * @param redundancy    copies of each session
 * @param timeoutMillis bound of one memcached operation
 * @param maxValueSize  largest value written, in bytes
 * @param storeName     starts every log line
 * @param writerId      names this instance in the values it writes
 */
public record ReplicationSettings(int redundancy, long timeoutMillis, int maxValueSize, String storeName,
                                  String writerId) {
}
