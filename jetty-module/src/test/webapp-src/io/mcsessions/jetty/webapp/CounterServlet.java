package io.mcsessions.jetty.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * Counts requests in the session. Answers one line of {@code key=value} pairs:
 * {@code count=3 passivations=2 activations=2 localOnly=false loader=webapp}.
 *
 * <p>Actions ({@code ?action=}): {@code read} (no change), {@code invalidate}, {@code timeout&seconds=S}
 * (sets the idle timeout, then counts), {@code unserializable} (adds an attribute that cannot be serialized,
 * then counts), {@code big&kb=N} (adds N KiB, then counts), {@code rotate} (changes the session id, then counts).
 */
public class CounterServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        String action = request.getParameter("action");
        if ("read".equals(action)) {
            HttpSession session = request.getSession(false);
            response.getWriter().print(session == null ? "session=none" : describe(session, counter(session)));
            return;
        }
        if ("invalidate".equals(action)) {
            HttpSession session = request.getSession(false);
            if (session != null) {
                session.invalidate();
            }
            response.getWriter().print("invalidated=" + (session != null));
            return;
        }
        HttpSession session = request.getSession(true);
        if ("timeout".equals(action)) {
            session.setMaxInactiveInterval(Integer.parseInt(request.getParameter("seconds")));
        } else if ("unserializable".equals(action)) {
            session.setAttribute("local-only", new Object());
        } else if ("big".equals(action)) {
            session.setAttribute("big", new byte[Integer.parseInt(request.getParameter("kb")) * 1024]);
        } else if ("rotate".equals(action)) {
            request.changeSessionId();
        }
        SessionCounter counter = counter(session);
        counter.increment();
        session.setAttribute("counter", counter);
        response.getWriter().print(describe(session, counter));
    }

    private static SessionCounter counter(HttpSession session) {
        SessionCounter counter = (SessionCounter) session.getAttribute("counter");
        return counter == null ? new SessionCounter() : counter;
    }

    private static String describe(HttpSession session, SessionCounter counter) {
        boolean webapp = counter.getClass().getClassLoader() == CounterServlet.class.getClassLoader();
        return "count=" + counter.count() + " passivations=" + counter.passivations() + " activations="
                + counter.activations() + " localOnly=" + (session.getAttribute("local-only") != null)
                + " loader=" + (webapp ? "webapp" : "other");
    }
}
