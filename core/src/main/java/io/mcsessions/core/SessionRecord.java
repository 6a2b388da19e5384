package io.mcsessions.core;

import java.util.Objects;

/**
 * A session as the store keeps it: the container's serialized session ({@code payload}) and the metadata the
 * store needs to replicate it.
 *
 * @param id                 the session id
 * @param revision           the revision this copy carries; a newer copy has a higher one (see {@link Revisions})
 * @param creationTime       when the session was created, epoch milliseconds
 * @param lastAccessedTime   when the session was last used, epoch milliseconds
 * @param maxInactiveSeconds the session's idle timeout; memcached expires the copies that long after their
 *                           last write or touch; zero or less means never
 * @param payload            the serialized session, opaque to the store
 */
public record SessionRecord(String id, long revision, long creationTime, long lastAccessedTime,
                            int maxInactiveSeconds, byte[] payload) {

    public SessionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
        if (revision < 1) {
            throw new IllegalArgumentException("revision must be at least 1, but was " + revision);
        }
    }

    @Override
    public String toString() {
        return "SessionRecord[id=" + SessionIds.shorten(id) + ", revision=" + revision + ", payload="
                + payload.length + " bytes]";
    }
}
