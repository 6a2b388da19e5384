package io.mcsessions.jetty;

import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.session.SessionData;

/**
 * The part of a session that {@code sessionAttributeFilter} lets through to memcached (msm's meaning: the whole
 * attribute name must match). The others stay in the instance's session cache: a non-sticky instance, which reads
 * every request's session from memcached, does not see them on the next request.
 */
final class StoredAttributes {

    private StoredAttributes() {
    }

    /** A copy of {@code data} holding only the attributes whose names match. */
    static SessionData of(SessionData data, Pattern names) {
        SessionData copy = new SessionData(data.getId(), data.getContextPath(), data.getVhost(), data.getCreated(),
                data.getAccessed(), data.getLastAccessed(), data.getMaxInactiveMs());
        for (Map.Entry<String, Object> attribute : data.getAllAttributes().entrySet()) {
            if (names.matcher(attribute.getKey()).matches()) {
                copy.setAttribute(attribute.getKey(), attribute.getValue());
            }
        }
        return copy;
    }
}
