package io.mcsessions.jetty.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.testing.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A browser of the test webapp's counter servlet, which answers {@code key=value} pairs ({@code count=3
 * loader=webapp ...}). Jetty appends its worker name to the id in the cookie ({@code id.worker}); the session id is
 * the part before it.
 */
public final class CounterBrowser extends Browser {

    /** One answer of the counter servlet. */
    public record Answer(int status, Map<String, String> values, String body) {
        public int count() {
            return Integer.parseInt(values.getOrDefault("count", "-1"));
        }
    }

    /** Asks {@code uri}, sending and keeping the session cookie, and reads the servlet's pairs. */
    public Answer ask(URI uri) {
        HttpResponse<String> response = get(uri);
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : response.body().trim().split("\\s+")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                values.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return new Answer(response.statusCode(), values, response.body());
    }

    /** Counts one request on {@code instance}, asserting a 200 and the webapp's own class for the counter. */
    public int count(Function<String, URI> instance) {
        Answer answer = ask(instance.apply(""));
        assertEquals(200, answer.status(), () -> "status of " + instance.apply("") + ": " + answer.body());
        assertEquals("webapp", answer.values().get("loader"), answer.body());
        return answer.count();
    }

    /** The session id, without the worker suffix Jetty appends ({@code id.worker}), or null. */
    public String sessionId() {
        String cookie = cookie();
        if (cookie == null) {
            return null;
        }
        int dot = cookie.lastIndexOf('.');
        return dot < 0 ? cookie : cookie.substring(0, dot);
    }
}
