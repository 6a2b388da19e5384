package io.mcsessions.benchmarks.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What the server saw, for the runner, at {@link ServerArgs#STATS_PATH}: {@code created=N lost=N}, the sessions
 * {@link CounterServlet} created since the JVM started and how many of those replaced a session the request named.
 * It never touches a session, so asking costs no memcached operation.
 */
public final class StatsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = ("created=" + CounterServlet.CREATED.get() + " lost=" + CounterServlet.LOST.get())
                .getBytes(StandardCharsets.US_ASCII);
        response.setContentType("text/plain");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
