package io.mcsessions.core;

import java.io.IOException;
import java.util.Map;

/**
 * Turns a session's attributes into the payload the store keeps, and back. The default is
 * {@link JavaSessionSerializer}; another (e.g. Kryo) can be plugged into the adapters.
 */
public interface SessionSerializer {

    /**
     * Serializes the attributes that can be serialized. An attribute that cannot is left out (and reported
     * once per class by the implementation); it never makes the whole session fail.
     */
    byte[] serialize(Map<String, Object> attributes) throws IOException;

    /**
     * Reads attributes back, resolving classes with {@code classLoader} (the web application's).
     *
     * @throws IOException when the payload is damaged or a class cannot be loaded
     */
    Map<String, Object> deserialize(byte[] payload, ClassLoader classLoader) throws IOException;
}
