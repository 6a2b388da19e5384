package io.mcsessions.jetty;

import io.mcsessions.core.JavaSessionSerializer;
import java.util.Map;
import org.eclipse.jetty.session.SessionData;

/**
 * The part of a session that can be written: an attribute that does not serialize is left out (and named once per
 * class in a warning) instead of failing the whole session. The live session keeps it on the instance that set it.
 */
final class SerializableAttributes {

    private SerializableAttributes() {
    }

    /** A copy of {@code data} holding only the attributes that serialize. */
    static SessionData of(SessionData data, String storeName) {
        SessionData copy = new SessionData(data.getId(), data.getContextPath(), data.getVhost(), data.getCreated(),
                data.getAccessed(), data.getLastAccessed(), data.getMaxInactiveMs());
        for (Map.Entry<String, Object> attribute : data.getAllAttributes().entrySet()) {
            if (JavaSessionSerializer.serializes(storeName, attribute.getKey(), attribute.getValue())) {
                copy.setAttribute(attribute.getKey(), attribute.getValue());
            }
        }
        return copy;
    }
}
