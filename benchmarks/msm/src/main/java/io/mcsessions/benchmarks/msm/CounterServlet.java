package io.mcsessions.benchmarks.msm;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.HttpSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The measured request for Tomcat 9: a {@code javax.servlet} copy that mirrors
 * {@code io.mcsessions.benchmarks.webapp.CounterServlet} line for line, so msm is measured on the same work as
 * every Jakarta configuration. The session holds a counter and a 1 KB attribute. At {@code /hit} the request writes
 * the session (the counter goes up by one); at {@code /read} it only reads the counter and the attribute. The body
 * is the counter value; the servlet also counts the sessions it created and those that replaced a session the
 * request named (see {@link StatsServlet}).
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
        boolean write = !known || !MsmBenchServer.READ_PATH.equals(request.getServletPath());
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
