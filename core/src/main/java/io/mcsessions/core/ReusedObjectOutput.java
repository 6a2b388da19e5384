package io.mcsessions.core;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * One {@link ObjectOutputStream} per thread, reset between payloads, for {@link JavaSessionSerializer}. Building a
 * stream for every session (its handle and replace tables, its block buffers, a system property lookup) showed as
 * the hottest frames of the serialization in a sticky server's profile; a Tomcat serializes its session on every
 * request to tell a change from none.
 *
 * <p>The bytes are those of a new stream: the stream header is written to the payload by hand, and the stream is
 * {@linkplain ObjectOutputStream#reset() reset} (its reset marker going nowhere) before it serves the next payload,
 * so no handle or class descriptor of one payload is referred to from another, and no session object stays
 * reachable from the thread. A stream that failed mid-write is dropped, not reused; a payload written while this
 * thread's stream is busy (an attribute whose own {@code writeObject} serializes a session) gets a new stream.
 */
final class ReusedObjectOutput {
    /** {@code STREAM_MAGIC} and {@code STREAM_VERSION}, as every {@code ObjectOutputStream} starts. */
    private static final byte[] STREAM_HEADER = {(byte) 0xAC, (byte) 0xED, 0x00, 0x05};
    private static final ThreadLocal<ReusedObjectOutput> PER_THREAD = new ThreadLocal<>();

    private final Target target = new Target();
    private final ObjectOutputStream objects;
    private boolean busy;

    private ReusedObjectOutput() throws IOException {
        objects = new ObjectOutputStream(target); // its header goes nowhere: each payload gets its own
    }

    /** Writes {@code attributes} (count, then name and value of each) to {@code out} as one object stream. */
    static void write(Map<String, Object> attributes, OutputStream out) throws IOException {
        ReusedObjectOutput reused = PER_THREAD.get();
        if (reused == null) {
            reused = new ReusedObjectOutput();
            PER_THREAD.set(reused);
        } else if (reused.busy) {
            try (ObjectOutputStream nested = new ObjectOutputStream(out)) {
                writeAttributes(attributes, nested);
            }
            return;
        }
        reused.busy = true;
        boolean reusable = false;
        try {
            reused.target.out = out;
            out.write(STREAM_HEADER);
            writeAttributes(attributes, reused.objects);
            reused.objects.flush();
            reused.target.out = OutputStream.nullOutputStream();
            reused.objects.reset();
            reused.objects.flush();
            reusable = true;
        } finally {
            reused.target.out = OutputStream.nullOutputStream();
            reused.busy = false;
            if (!reusable) {
                PER_THREAD.remove(); // its tables and depth are unknown after a failure
            }
        }
    }

    private static void writeAttributes(Map<String, Object> attributes, ObjectOutputStream objects)
            throws IOException {
        objects.writeInt(attributes.size());
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            objects.writeUTF(attribute.getKey());
            objects.writeObject(attribute.getValue());
        }
    }

    /** Where the stream's bytes go: the payload being written, or nowhere between payloads. */
    private static final class Target extends OutputStream {
        private OutputStream out = OutputStream.nullOutputStream();

        @Override
        public void write(int b) throws IOException {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }
    }
}
