package io.mcsessions.core;

import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A growable byte buffer that a session's payload is serialized into, one per thread and used again by the next
 * request, so that writing a session allocates the finished payload and not much else.
 *
 * <p>Why: the payload used to pass through three {@code ByteArrayOutputStream}s (the serializer's, the adapter's
 * header and the final copy), each starting small and growing by copying; a 1 KB session was copied five times
 * before core built its envelope, and {@code Arrays.copyOf} was the hottest method of a sticky server's profile
 * (9% of its samples). Here the adapter writes its header, the serializer writes the attributes behind it, and the
 * digest that tells a changed session from an unchanged one is taken from the buffer: an unchanged session is
 * never copied at all.
 *
 * <p>Use: {@link #acquire()}, write, read the result ({@link #toByteArray()}, {@link #digest()}), then
 * {@link #release()} in a {@code finally}. A buffer that grew beyond {@value #KEEP_LIMIT} bytes is not kept (a
 * thread keeps at most that much between requests); a nested {@code acquire} on the same thread (an attribute
 * that serializes a session itself) gets a buffer of its own.
 */
public final class PayloadBuffer extends OutputStream {
    /** The largest buffer a thread keeps between uses. */
    static final int KEEP_LIMIT = 64 * 1024;
    private static final int INITIAL = 2048;
    private static final ThreadLocal<PayloadBuffer> PER_THREAD = new ThreadLocal<>();
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    });

    private byte[] bytes;
    private int count;
    private boolean inUse;

    private PayloadBuffer(int capacity) {
        bytes = new byte[capacity];
    }

    /** This thread's buffer, empty; or a new one while this thread's is in use. */
    public static PayloadBuffer acquire() {
        PayloadBuffer buffer = PER_THREAD.get();
        if (buffer == null) {
            buffer = new PayloadBuffer(INITIAL);
            PER_THREAD.set(buffer);
        } else if (buffer.inUse) {
            buffer = new PayloadBuffer(INITIAL);
        }
        buffer.inUse = true;
        buffer.count = 0;
        return buffer;
    }

    /** Done with the buffer: the thread keeps it for its next payload unless it grew too large. */
    public void release() {
        inUse = false;
        count = 0;
        if (bytes.length > KEEP_LIMIT && PER_THREAD.get() == this) {
            PER_THREAD.remove();
        }
    }

    @Override
    public void write(int b) {
        ensure(count + 1);
        bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        ensure(count + len);
        System.arraycopy(b, off, bytes, count, len);
        count += len;
    }

    /** Writes {@code value} big-endian, as {@code DataOutputStream.writeInt} does. */
    public void writeInt(int value) {
        ensure(count + 4);
        count += 4;
        putInt(count - 4, value);
    }

    /** Overwrites four bytes written earlier, at {@code position}, with {@code value}: a length known only later. */
    public void putInt(int position, int value) {
        Objects.checkFromIndexSize(position, 4, count);
        bytes[position] = (byte) (value >>> 24);
        bytes[position + 1] = (byte) (value >>> 16);
        bytes[position + 2] = (byte) (value >>> 8);
        bytes[position + 3] = (byte) value;
    }

    /** How many bytes were written. */
    public int size() {
        return count;
    }

    /** Forgets what was written after the first {@code size} bytes (a serializer starting over). */
    public void truncate(int size) {
        if (size < 0 || size > count) {
            throw new IllegalArgumentException("cannot truncate " + count + " bytes to " + size);
        }
        count = size;
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, count);
    }

    /** A copy of the bytes written from {@code from} on. */
    public byte[] toByteArray(int from) {
        return Arrays.copyOfRange(bytes, from, count);
    }

    /** SHA-256 of the bytes written, without copying them. */
    public byte[] digest() {
        MessageDigest sha256 = SHA_256.get();
        sha256.update(bytes, 0, count);
        return sha256.digest();
    }

    /**
     * SHA-256 of {@code bytes}: what tells a changed session from an unchanged one (a full hash, so that no change
     * goes unwritten by a collision, as a short one could let it). Looking the algorithm up costs
     * more than digesting a small session (2% of a profile), so each thread keeps its instance.
     */
    public static byte[] sha256(byte[] bytes) {
        return SHA_256.get().digest(bytes);
    }

    /** Nothing to close: the buffer stays usable until {@link #release()}. */
    @Override
    public void close() {
    }

    private void ensure(int needed) {
        if (needed < 0) {
            throw new OutOfMemoryError("session payload larger than 2 GB");
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, (int) Math.min(Integer.MAX_VALUE - 8, bytes.length * 2L)));
        }
    }
}
