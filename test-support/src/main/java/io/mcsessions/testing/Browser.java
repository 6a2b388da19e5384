package io.mcsessions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One browser with one session cookie, which it sends to whichever instance it asks, as a load balancer without
 * stickiness would: instances of a test differ by port only, and a cookie ignores ports.
 *
 * <p>The cookie is kept by hand rather than by a {@link java.net.CookieManager}, so that a test can read it
 * ({@link #cookie()}), give it to another browser ({@link #useCookie}) or drop it ({@link #forgetCookie()}). Its value
 * is kept as the server set it: with a Tomcat jvmRoute or a Jetty worker name, the suffix after the last dot
 * ({@code id.route}) is part of it; a module's own subclass says what the session id is.
 *
 * <p>Each browser keeps one cookie and may be used by one thread at a time; run many browsers for concurrent
 * sessions. They share one {@link HttpClient}, which follows no redirect. An I/O failure is an
 * {@link UncheckedIOException} that names the request.
 */
public class Browser {
    /** The cookie of Tomcat and Jetty unless configured otherwise. */
    public static final String JSESSIONID = "JSESSIONID";

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final String cookieName;
    private volatile String cookie;

    /** A browser that keeps the {@value #JSESSIONID} cookie. */
    public Browser() {
        this(JSESSIONID);
    }

    /** A browser that keeps the session cookie {@code cookieName}, for a server configured with another name. */
    public Browser(String cookieName) {
        if (cookieName == null || cookieName.isBlank()) {
            throw new IllegalArgumentException("cookieName must name the session cookie, but was '" + cookieName + "'");
        }
        this.cookieName = cookieName;
    }

    /** GETs {@code url}, sending and keeping the session cookie. */
    public HttpResponse<String> get(String url) {
        return get(URI.create(url));
    }

    /** GETs {@code uri}, sending and keeping the session cookie. */
    public HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    /** GETs {@code url}, asserts that it answered 200 and returns the body. */
    public String getOk(String url) {
        HttpResponse<String> response = get(url);
        assertEquals(200, response.statusCode(), () -> "GET " + url + " answered " + response.statusCode() + ": "
                + response.body());
        return response.body();
    }

    /** POSTs nothing to {@code url}, sending and keeping the session cookie. */
    public HttpResponse<String> post(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** POSTs {@code json} to {@code url} as {@code application/json}, sending and keeping the session cookie. */
    public HttpResponse<String> postJson(String url, String json) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /**
     * Sends {@code request} with the session cookie (if the browser has one) and a 30 s timeout, and keeps the
     * cookie the answer sets; an answer that sets it empty deletes it.
     */
    public HttpResponse<String> send(HttpRequest.Builder request) {
        String current = cookie;
        if (current != null) {
            request.setHeader("Cookie", cookieName + "=" + current);
        }
        HttpRequest built = request.timeout(REQUEST_TIMEOUT).build();
        try {
            HttpResponse<String> response = HTTP.send(built, HttpResponse.BodyHandlers.ofString());
            keepCookie(response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(built.method() + " " + built.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + built.method() + " " + built.uri(), e);
        }
    }

    private void keepCookie(HttpResponse<String> response) {
        String prefix = cookieName + "=";
        for (String setCookie : response.headers().allValues("Set-Cookie")) {
            if (setCookie.startsWith(prefix)) {
                String value = setCookie.substring(prefix.length()).split(";", 2)[0];
                cookie = value.isEmpty() ? null : value;
            }
        }
    }

    /** The session cookie as the server set it (id, and route or worker if any), or null. */
    public String cookie() {
        return cookie;
    }

    /** Sends {@code value} as the session cookie from now on, as a browser that kept an old one would. */
    public void useCookie(String value) {
        cookie = value;
    }

    /** Drops the session cookie: the next request starts without a session. */
    public void forgetCookie() {
        cookie = null;
    }

    @Override
    public String toString() {
        return "Browser(" + cookieName + "=" + cookie + ")";
    }
}
