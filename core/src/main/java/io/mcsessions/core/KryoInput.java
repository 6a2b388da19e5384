package io.mcsessions.core;

import com.esotericsoftware.kryo.io.Input;

/**
 * Kryo's input over a payload held in memory, refusing a string or primitive array longer than the bytes left
 * before Kryo allocates it (every character or element takes at least one byte). Kryo would otherwise allocate
 * whatever length five bytes announce, and fail only once the bytes run out.
 */
final class KryoInput extends Input {
    private final KryoReading reading;

    KryoInput(byte[] payload, int offset, int length, KryoReading reading) {
        super(payload, offset, length);
        this.reading = reading;
    }

    private void allocating(int length, String what) {
        reading.allocating(length, limit - position, what);
    }

    @Override
    public byte[] readBytes(int length) {
        allocating(length, "byte array");
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) {
        allocating(length, "int array");
        return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
        allocating(length, "int array");
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
        allocating(length, "long array");
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
        allocating(length, "long array");
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) {
        allocating(length, "float array");
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
        allocating(length, "double array");
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
        allocating(length, "short array");
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
        allocating(length, "char array");
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
        allocating(length, "boolean array");
        return super.readBooleans(length);
    }

    @Override
    public String readString() {
        checkStringLength();
        return super.readString();
    }

    @Override
    public StringBuilder readStringBuilder() {
        checkStringLength();
        return super.readStringBuilder();
    }

    /**
     * A UTF-8 string announces its length in characters first, and Kryo allocates that many at once; an ASCII one
     * ends at a flagged byte and grows as it is read, so it needs no check.
     */
    private void checkStringLength() {
        if (position == limit || !readVarIntFlag()) {
            return; // ASCII, or nothing left (Kryo says so itself)
        }
        int start = position;
        int charCount = readVarIntFlag(true); // 0: null, 1: empty, n + 1: n characters
        position = start;
        allocating(charCount - 1, "string");
    }
}
