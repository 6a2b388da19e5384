package io.mcsessions.core;

import java.io.IOException;
import java.util.Map;

/**
 * Turns a session's attributes into the payload the store keeps, and back. Two are built in, chosen by the
 * {@code serializer} setting ({@link #forConfig(StoreConfig)}): {@link JavaSessionSerializer} (the default) and
 * {@link KryoSessionSerializer}. Both read under the same limits and {@code deserializationFilter}
 * ({@link SessionInputFilter}).
 */
public interface SessionSerializer {

    /**
     * Serializes the attributes that can be serialized. An attribute that cannot is left out (and reported
     * once per class by the implementation); it never makes the whole session fail.
     */
    byte[] serialize(Map<String, Object> attributes) throws IOException;

    /**
     * Serializes the attributes as {@link #serialize(Map)} does, appending them to {@code out} (an adapter writes
     * its header first, and the whole payload is copied once). The default copies {@link #serialize(Map)}'s bytes.
     */
    default void serialize(Map<String, Object> attributes, PayloadBuffer out) throws IOException {
        out.write(serialize(attributes));
    }

    /**
     * Reads attributes back, resolving classes with {@code classLoader} (the web application's).
     *
     * @throws IOException when the payload is damaged, a class cannot be loaded, or a limit or the class filter
     *                     refused it
     */
    Map<String, Object> deserialize(byte[] payload, ClassLoader classLoader) throws IOException;

    /**
     * The serializer a validated configuration asks for ({@code serializer}: {@code java} or {@code kryo}). Kryo's
     * classes are loaded only when {@code kryo} is chosen.
     */
    static SessionSerializer forConfig(StoreConfig config) {
        if (StoreConfig.KRYO_SERIALIZER.equals(config.getSerializer())) {
            return KryoSessionSerializer.forConfig(config);
        }
        return JavaSessionSerializer.forConfig(config);
    }

    /**
     * Which serializer wrote these bytes, judged by how they start: {@link StoreConfig#KRYO_SERIALIZER} for
     * {@link KryoSessionSerializer}'s format, {@link StoreConfig#JAVA_SERIALIZER} for a Java serialization stream
     * (the Java serializer's, and Jetty's attribute format), null for anything else. Needs no Kryo classes.
     */
    static String formatOf(byte[] bytes, int offset, int length) {
        return PayloadFormats.formatOf(bytes, offset, length);
    }
}
