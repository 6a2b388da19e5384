package io.mcsessions.core;

/**
 * How the built-in serializers' payloads start, so that a reader can tell them apart without trying to parse them
 * (an instance configured for Kryo still reads sessions written before the switch, for instance). Holds no Kryo
 * types: the Java serializer and the adapters use it where Kryo may be missing.
 */
final class PayloadFormats {
    /** "MCK" and the format version: cannot be the start of a Java serialization stream (0xACED). */
    static final byte[] KRYO_MAGIC = {'M', 'C', 'K', 1};
    private static final int JAVA_MAGIC = 0xACED;

    private PayloadFormats() {
    }

    static String formatOf(byte[] bytes, int offset, int length) {
        if (length >= KRYO_MAGIC.length && startsWithKryoMagic(bytes, offset)) {
            return StoreConfig.KRYO_SERIALIZER;
        }
        if (length >= 2 && ((bytes[offset] & 0xff) << 8 | bytes[offset + 1] & 0xff) == JAVA_MAGIC) {
            return StoreConfig.JAVA_SERIALIZER;
        }
        return null;
    }

    private static boolean startsWithKryoMagic(byte[] bytes, int offset) {
        for (int i = 0; i < KRYO_MAGIC.length; i++) {
            if (bytes[offset + i] != KRYO_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }
}
