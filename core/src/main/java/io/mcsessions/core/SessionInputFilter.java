package io.mcsessions.core;

import java.io.ObjectInputFilter;

/**
 * What session attributes may deserialize into (JEP 290): graphs at most {@value #MAX_DEPTH} deep, no array
 * longer and no more references than the payload has bytes (limits no honest payload reaches, but a crafted one
 * uses to exhaust memory), the configured {@code deserializationFilter} class pattern, and the JVM-wide
 * {@code jdk.serialFilter}. Used by {@link JavaSessionSerializer} and by the adapters' own attribute streams. One
 * instance per stream: it remembers why it rejected, for the error message.
 */
public final class SessionInputFilter implements ObjectInputFilter {
    /** Deepest object graph accepted. */
    public static final int MAX_DEPTH = 200;

    private final long payloadBytes;
    private final ObjectInputFilter classFilter;
    private final ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
    private volatile String rejection;

    /**
     * @param payloadBytes the size of the serialized attributes
     * @param classFilter  the configured {@code deserializationFilter}, or null for any class
     */
    public SessionInputFilter(long payloadBytes, ObjectInputFilter classFilter) {
        this.payloadBytes = payloadBytes;
        this.classFilter = classFilter;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        String reason = null;
        if (info.depth() > MAX_DEPTH) {
            reason = "object graph deeper than " + MAX_DEPTH;
        } else if (info.arrayLength() > payloadBytes) {
            reason = "an array of " + info.arrayLength() + " elements in " + payloadBytes + " bytes";
        } else if (info.references() > payloadBytes) {
            reason = "more than " + payloadBytes + " object references";
        } else if (info.serialClass() != null && classFilter != null && classFilter.checkInput(info) == Status.REJECTED) {
            reason = "class " + info.serialClass().getName() + " is not allowed by deserializationFilter";
        } else if (jvmWide != null && jvmWide.checkInput(info) == Status.REJECTED) {
            reason = "rejected by the JVM-wide filter jdk.serialFilter";
        }
        if (reason != null) {
            rejection = reason;
            return Status.REJECTED;
        }
        return Status.UNDECIDED;
    }

    /** Why the last object was rejected, or null. */
    public String rejection() {
        return rejection;
    }
}
