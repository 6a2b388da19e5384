package io.mcsessions.jetty;

import java.io.ObjectInputFilter;

/**
 * What session attributes may deserialize into: bounded graphs, and only the classes {@code deserializationFilter}
 * allows. The same limits as mcsessions' core serializer, for the streams Jetty reads attributes with: graphs at
 * most {@value #MAX_DEPTH} deep, no array longer and no more references than the payload has bytes, the
 * configured class pattern, and the JVM-wide {@code jdk.serialFilter}. A rejected payload is an unreadable
 * session: Jetty drops it and the request goes on without it.
 */
final class AttributeInputFilter implements ObjectInputFilter {
    static final int MAX_DEPTH = 200;

    private final long payloadBytes;
    private final ObjectInputFilter classFilter;
    private final ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
    private volatile String rejection;

    /**
     * @param payloadBytes the size of the serialized attributes
     * @param classFilter  the configured {@code deserializationFilter}, or null for any class
     */
    AttributeInputFilter(long payloadBytes, ObjectInputFilter classFilter) {
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
    String rejection() {
        return rejection;
    }
}
