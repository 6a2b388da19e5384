package io.mcsessions.tomcat;

import java.security.Principal;
import java.util.Map;

/**
 * What mcsessions stores of a Tomcat session besides the metadata core keeps: attributes and authentication.
 *
 * @param attributes the attributes that could be serialized
 * @param authType   the authentication type, or null
 * @param principal  the authenticated principal, or null (also when it is not serializable)
 */
record SessionPayload(Map<String, Object> attributes, String authType, Principal principal) {
}
