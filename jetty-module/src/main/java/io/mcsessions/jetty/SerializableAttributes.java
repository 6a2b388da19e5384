package io.mcsessions.jetty;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.session.SessionData;

/**
 * The part of a session that can be written: an attribute that does not serialize is left out (and named once per
 * class in a warning) instead of failing the whole session. The live session keeps it on the instance that set it.
 */
final class SerializableAttributes {
    private static final System.Logger LOG = System.getLogger("io.mcsessions.jetty.SerializableAttributes");
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private SerializableAttributes() {
    }

    /** A copy of {@code data} holding only the attributes that serialize. */
    static SessionData of(SessionData data, String storeName) {
        SessionData copy = new SessionData(data.getId(), data.getContextPath(), data.getVhost(), data.getCreated(),
                data.getAccessed(), data.getLastAccessed(), data.getMaxInactiveMs());
        for (Map.Entry<String, Object> attribute : data.getAllAttributes().entrySet()) {
            if (serializes(attribute.getKey(), attribute.getValue(), storeName)) {
                copy.setAttribute(attribute.getKey(), attribute.getValue());
            }
        }
        return copy;
    }

    private static boolean serializes(String name, Object value, String storeName) {
        try (ObjectOutputStream probe = new ObjectOutputStream(OutputStream.nullOutputStream())) {
            probe.writeObject(value);
            return true;
        } catch (IOException | RuntimeException e) {
            String type = value == null ? "null" : value.getClass().getName();
            if (WARNED.add(type)) {
                LOG.log(System.Logger.Level.WARNING, storeName + " - session attribute '" + name + "' of class " + type
                        + " cannot be serialized (" + e + "); it is not stored in memcached and lives only in the "
                        + "instance that set it. Make the class Serializable to replicate it.");
            }
            return false;
        }
    }
}
