package io.mcsessions.core;

import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.util.concurrent.TimeUnit;

/**
 * What session data read from memcached may deserialize into, checked while it is read (JEP 290 plus a check of
 * each completed object), so that a hostile value costs bounded memory and CPU before it is refused:
 * <ul>
 * <li>no object nested more than {@value #MAX_DEPTH} deep, and no path through the graph longer than that even when
 * its objects are written side by side (hashing or serializing such a chain again overflows the stack);</li>
 * <li>no array longer, and no more object references, than the payload has bytes;</li>
 * <li>no object that expands to more than {@value #MAX_EXPANSION} objects (or 4 per payload byte, if more) when
 * shared objects are counted once per path, which is what {@code hashCode} visits (the "SerialDOS" nested-set
 * graph); and no more than {@value #MAX_TOTAL_EXPANSION} (or 64 per payload byte) for all objects together (many
 * objects that share one large graph);</li>
 * <li>at most {@value #CPU_MILLIS_BASE} ms plus 1 µs per payload byte of the reading thread's CPU time, for what
 * the counts above cannot see (hash collisions, references repeated inside one collection, the work of an allowed
 * class's own {@code readObject});</li>
 * <li>the configured {@code deserializationFilter} class pattern, and the JVM-wide {@code jdk.serialFilter}.</li>
 * </ul>
 * No honest session comes near the first four (see docs/how-it-works.md for the measurements).
 *
 * <p>Used by {@link JavaSessionSerializer} and by the adapters' own streams. One instance per stream; the stream
 * must also pass every object it completes to {@link #checkCompleted(Object)} (from
 * {@code ObjectInputStream.resolveObject}, after {@code enableResolveObject(true)}): the checks of expansion and
 * path length need the objects themselves. It remembers why it rejected, for the error message.
 */
public final class SessionInputFilter implements ObjectInputFilter {
    /** Deepest object graph accepted, and longest path through it. */
    public static final int MAX_DEPTH = 200;
    /**
     * Most objects one object may expand to, counting shared objects once per path; or 4 per payload byte, if more
     * (a graph without shared parts expands to about one object per byte; as counted, up to 1.6: a reference takes 5
     * bytes, and a small object not remembered counts as 8).
     */
    public static final long MAX_EXPANSION = 1_000_000;
    /** Most objects all objects of one payload may expand to together; or 64 per payload byte, if more. */
    public static final long MAX_TOTAL_EXPANSION = 10_000_000;
    /** CPU time any payload may take to read, in milliseconds, before the part that grows with its size. */
    public static final long CPU_MILLIS_BASE = 250;
    /** CPU time each payload byte adds, in nanoseconds (1 ms per 1,000 bytes). */
    public static final long CPU_NANOS_PER_BYTE = 1_000;

    private final long payloadBytes;
    private final ObjectInputFilter classFilter;
    private final ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
    private final long maxExpansion;
    private final long maxTotalExpansion;
    private final ObjectGraphMeter meter;
    private final CpuTimeBudget cpu;
    private long maxDepthSeen;
    private long objectsCompleted;
    private volatile String rejection;

    /**
     * @param payloadBytes the size of the serialized attributes
     * @param classFilter  the configured {@code deserializationFilter}, or null for any class
     */
    public SessionInputFilter(long payloadBytes, ObjectInputFilter classFilter) {
        this.payloadBytes = payloadBytes;
        this.classFilter = classFilter;
        long bytes = Math.max(0, payloadBytes);
        this.maxExpansion = Math.max(MAX_EXPANSION, 4 * bytes);
        this.maxTotalExpansion = Math.max(MAX_TOTAL_EXPANSION, 64 * bytes);
        this.meter = new ObjectGraphMeter(maxExpansion, MAX_DEPTH);
        this.cpu = new CpuTimeBudget(TimeUnit.MILLISECONDS.toNanos(CPU_MILLIS_BASE)
                + bytes * CPU_NANOS_PER_BYTE);
    }

    @Override
    public Status checkInput(FilterInfo info) {
        maxDepthSeen = Math.max(maxDepthSeen, info.depth());
        String reason = null;
        if (info.depth() > MAX_DEPTH) {
            reason = "object graph deeper than " + MAX_DEPTH;
        } else if (info.arrayLength() > payloadBytes) {
            reason = "an array of " + info.arrayLength() + " elements in " + payloadBytes + " bytes";
        } else if (info.references() > payloadBytes) {
            reason = "more than " + payloadBytes + " object references";
        } else if (info.arrayLength() < 0 && cpu.exhausted()) { // a class or a reference: once per object read
            reason = cpuReason();
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

    /**
     * Checks an object the stream has just completed, before the object that holds it sees it (call it from
     * {@code ObjectInputStream.resolveObject}).
     *
     * @return the object itself
     * @throws InvalidObjectException when the object, or the payload so far, is over a limit; {@link #rejection()}
     *                                says which
     */
    public Object checkCompleted(Object object) throws InvalidObjectException {
        objectsCompleted++;
        if (!meter.completed(object)) {
            return object; // a leaf: nothing to hash in it, and the next class or reference read checks the time
        }
        String reason = null;
        if (meter.largestExpansion() > maxExpansion) {
            reason = "an object expands to more than " + maxExpansion + " objects through shared references "
                    + "(a nested-collection bomb)";
        } else if (meter.totalExpansion() > maxTotalExpansion) {
            reason = "the objects read expand to more than " + maxTotalExpansion + " objects through shared "
                    + "references (a nested-collection bomb)";
        } else if (meter.largestHeight() > MAX_DEPTH) {
            reason = "a path through the object graph longer than " + MAX_DEPTH + " objects";
        } else if (cpu.exhausted()) {
            reason = cpuReason();
        }
        if (reason != null) {
            rejection = reason;
            throw new InvalidObjectException(reason);
        }
        return object;
    }

    private String cpuReason() {
        return "reading took more than " + cpu.budgetMillis() + " ms of CPU time (the limit for " + payloadBytes
                + " bytes)";
    }

    /** Why the last object was rejected, or null. */
    public String rejection() {
        return rejection;
    }

    /** What this stream held so far, for measurements: depth, objects, expansion, path length. */
    String measurements() {
        return "depth " + maxDepthSeen + ", objects " + objectsCompleted + ", largest expansion "
                + meter.largestExpansion() + ", total expansion " + meter.totalExpansion() + ", longest path "
                + meter.largestHeight();
    }
}
