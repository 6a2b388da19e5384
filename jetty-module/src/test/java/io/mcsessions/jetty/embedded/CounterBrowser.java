package io.mcsessions.jetty.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A browser with one session cookie that it sends to whichever Jetty instance it asks, as a load balancer
 * without stickiness would. Instances are told apart by port only, so the cookie is kept by hand.
 */
public final class Browser {
    private static final String COOKIE = "JSESSIONID";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private volatile String cookie;

    /** One answer of the counter servlet. */
    public record Answer(int status, Map<String, String> values, String body) {
        public int count() {
            return Integer.parseInt(values.getOrDefault("count", "-1"));
        }
    }

    /** Asks {@code uri}, sending and keeping the session cookie. */
    public Answer get(URI uri) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET();
        if (cookie != null) {
            request.header("Cookie", COOKIE + "=" + cookie);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        for (String setCookie : response.headers().allValues("Set-Cookie")) {
            if (setCookie.startsWith(COOKIE + "=")) {
                String value = setCookie.substring(COOKIE.length() + 1).split(";", 2)[0];
                cookie = value.isEmpty() ? null : value;
            }
        }
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
    public int count(Function<String, URI> instance) throws IOException, InterruptedException {
        Answer answer = get(instance.apply(""));
        assertEquals(200, answer.status(), () -> "status of " + instance.apply("") + ": " + answer.body());
        assertEquals("webapp", answer.values().get("loader"), answer.body());
        return answer.count();
    }

    /** The session id, without the worker suffix Jetty appends ({@code id.worker}). */
    public String sessionId() {
        if (cookie == null) {
            return null;
        }
        int dot = cookie.lastIndexOf('.');
        return dot < 0 ? cookie : cookie.substring(0, dot);
    }

    public void forgetCookie() {
        cookie = null;
    }

    /** The session cookie as the instance set it (id and worker), or null. */
    public String cookie() {
        return cookie;
    }

    /** Sends this cookie from now on, as a browser that kept an old one would. */
    public void useCookie(String value) {
        cookie = value;
    }
}
