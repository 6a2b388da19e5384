package io.mcsessions.tomcat;

import io.mcsessions.testing.Browser;

/**
 * One browser for the embedded Tomcats: keeps the {@code JSESSIONID} cookie (whatever Tomcat set it) and sends it to
 * any instance. In Tomcat the cookie is the session id, with the jvmRoute suffix ({@code id.route}) if the engine has
 * one.
 */
final class SessionClient extends Browser {

    /** GETs {@code path} of the Tomcat's context, asserts 200 and returns the body. */
    String get(EmbeddedTomcat tomcat, String path) {
        return getOk(tomcat.url(path));
    }

    /** The session id the browser holds, with its jvmRoute suffix if any; null before the first session. */
    String sessionId() {
        return cookie();
    }

    /** Sends {@code id} from now on, as a browser that kept (or stole) an old id would. */
    void useSessionId(String id) {
        useCookie(id);
    }
}
