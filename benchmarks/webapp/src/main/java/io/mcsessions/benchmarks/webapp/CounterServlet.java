package io.mcsessions.benchmarks.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measured request: the session holds a counter and a 1 KB attribute. At {@link ServerArgs#SERVLET_PATH} the
 * request writes the session (the counter goes up by one); at {@link ServerArgs#READ_PATH} it only reads the
 * counter and the attribute. The body is the counter value, so a client can tell a session that was lost (a 1 for
 * a session it had used before) from one that was kept; the servlet also counts those itself (see
 * {@link StatsServlet}), so that a client that cannot read bodies (wrk) is checked the same way.
 */
public final class CounterServlet extends HttpServlet {

    /** Session attribute with the request count. */
    public static final String COUNTER = "counter";
    /** Session attribute with 1 KB of data, written when the session is created. */
    public static final String PAYLOAD = "payload";
    /** Size of {@link #PAYLOAD}. */
    public static final int PAYLOAD_BYTES = 1024;

    /** Sessions this JVM created (requests that found no counter in their session). */
    static final AtomicLong CREATED = new AtomicLong();
    /** Of those, the ones whose request named a session: a session the store lost, or one it never had. */
    static final AtomicLong LOST = new AtomicLong();

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(true);
        Object previous = session.getAttribute(COUNTER);
        boolean known = previous instanceof Integer;
        if (!known) {
            CREATED.incrementAndGet();
            if (request.getRequestedSessionId() != null) {
                LOST.incrementAndGet();
            }
        }
        boolean write = !known || !ServerArgs.READ_PATH.equals(request.getServletPath());
        int counter = known ? (Integer) previous + (write ? 1 : 0) : 1;
        if (session.getAttribute(PAYLOAD) == null) {
            session.setAttribute(PAYLOAD, payload());
        }
        if (write) {
            session.setAttribute(COUNTER, counter);
        }
        byte[] body = Integer.toString(counter).getBytes(StandardCharsets.US_ASCII);
        response.setContentType("text/plain");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static byte[] payload() {
        byte[] payload = new byte[PAYLOAD_BYTES];
        ThreadLocalRandom.current().nextBytes(payload);
        return payload;
    }
}
