package io.mcsessions.benchmarks.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The measured request: the session holds a counter and a 1 KB attribute, and every request writes it (the
 * counter goes up by one). The body is the new counter value, so the load generator can tell a session that was
 * lost (a 1 for a session it had used before) from one that was kept.
 */
public final class CounterServlet extends HttpServlet {

    /** Session attribute with the request count. */
    public static final String COUNTER = "counter";
    /** Session attribute with 1 KB of data, written when the session is created. */
    public static final String PAYLOAD = "payload";
    /** Size of {@link #PAYLOAD}. */
    public static final int PAYLOAD_BYTES = 1024;

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(true);
        Object previous = session.getAttribute(COUNTER);
        int counter = previous instanceof Integer count ? count + 1 : 1;
        if (session.getAttribute(PAYLOAD) == null) {
            byte[] payload = new byte[PAYLOAD_BYTES];
            ThreadLocalRandom.current().nextBytes(payload);
            session.setAttribute(PAYLOAD, payload);
        }
        session.setAttribute(COUNTER, counter);
        byte[] body = Integer.toString(counter).getBytes(StandardCharsets.US_ASCII);
        response.setContentType("text/plain");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
