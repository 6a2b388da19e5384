package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * One browser: keeps the JSESSIONID cookie itself (whatever Tomcat it talks to) and sends it to any instance.
 */
final class SessionClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String sessionId;

    /** GETs {@code path} on the Tomcat, asserts 200 and returns the body. */
    String get(EmbeddedTomcat tomcat, String path) {
        return get(tomcat.url(path));
    }

    String get(String url) {
        HttpResponse<String> response = send(url);
        assertEquals(200, response.statusCode(), () -> "GET " + url + " answered " + response.statusCode() + ": "
                + response.body());
        return response.body();
    }

    HttpResponse<String> send(String url) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        String id = sessionId;
        if (id != null) {
            request.header("Cookie", "JSESSIONID=" + id);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            List<String> cookies = response.headers().allValues("Set-Cookie");
            for (String cookie : cookies) {
                if (cookie.startsWith("JSESSIONID=")) {
                    sessionId = cookie.substring("JSESSIONID=".length(), cookie.indexOf(';'));
                }
            }
            return response;
        } catch (IOException e) {
            throw new AssertionError("GET " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during GET " + url, e);
        }
    }

    String sessionId() {
        return sessionId;
    }

    void useSessionId(String id) {
        sessionId = id;
    }
}
