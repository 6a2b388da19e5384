package io.mcsessions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The browser against two real HTTP servers on loopback, as a test sends one session to two instances. */
class BrowserTest {
    private final List<String> cookiesSeen = new CopyOnWriteArrayList<>();
    private HttpServer first;
    private HttpServer second;

    @BeforeEach
    void startServers() throws IOException {
        first = server();
        second = server();
    }

    @AfterEach
    void stopServers() {
        first.stop(0);
        second.stop(0);
    }

    /** Sets {@code JSESSIONID} to the query string (if any) and answers what it was sent, with 200 or 404. */
    private HttpServer server() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        return server;
    }

    private void answer(HttpExchange exchange) throws IOException {
        String cookie = exchange.getRequestHeaders().getFirst("Cookie");
        cookiesSeen.add(String.valueOf(cookie));
        String query = exchange.getRequestURI().getQuery();
        if (query != null) {
            exchange.getResponseHeaders().add("Set-Cookie", "JSESSIONID=" + query.replace("set=", "") + "; Path=/");
        }
        byte[] body = (exchange.getRequestMethod() + " " + cookie).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/missing") ? 404 : 200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static String url(HttpServer server, String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    @Test
    void theCookieOneInstanceSetsIsSentToTheOther() {
        Browser browser = new Browser();
        assertEquals("GET null", browser.getOk(url(first, "/?set=abc.a")));
        assertEquals("abc.a", browser.cookie(), "the value with its route, as the server set it");
        assertEquals("POST JSESSIONID=abc.a", browser.post(url(second, "/")).body());
        assertEquals("POST JSESSIONID=abc.a", browser.postJson(url(second, "/"), "{}").body());
        assertEquals(List.of("null", "JSESSIONID=abc.a", "JSESSIONID=abc.a"), cookiesSeen);
    }

    @Test
    void aCookieCanBeHandedOnReplacedAndForgotten() {
        Browser browser = new Browser();
        browser.get(url(first, "/?set=old"));
        Browser thief = new Browser();
        thief.useCookie(browser.cookie());
        assertEquals("GET JSESSIONID=old", thief.getOk(url(second, "/")));
        browser.get(url(first, "/?set=new"));
        assertEquals("new", browser.cookie());
        browser.get(url(first, "/?set="));
        assertNull(browser.cookie(), "an empty cookie deletes it");
        browser.useCookie("x");
        browser.forgetCookie();
        assertEquals("GET null", browser.getOk(url(first, "/")));
    }

    @Test
    void anotherCookieNameIsKeptAndSent() {
        Browser browser = new Browser("SESSION");
        browser.get(url(first, "/?set=ignored"));
        assertNull(browser.cookie(), "JSESSIONID is not this browser's cookie");
        browser.useCookie("s1");
        assertEquals("GET SESSION=s1", browser.getOk(url(first, "/")));
    }

    @Test
    void anAnswerOtherThan200FailsGetOkWithTheUrlAndTheBody() {
        AssertionError failure = assertThrows(AssertionError.class, () -> new Browser().getOk(url(first, "/missing")));
        assertTrue(failure.getMessage().contains("GET " + url(first, "/missing") + " answered 404: GET null"),
                failure.getMessage());
    }

    @Test
    void aRefusedConnectionNamesTheRequest() {
        String refused = "http://" + MemcachedCluster.refusedAddress() + "/x";
        UncheckedIOException failure = assertThrows(UncheckedIOException.class, () -> new Browser().post(refused));
        assertTrue(failure.getMessage().startsWith("POST " + refused + " failed: "), failure.getMessage());
    }
}
