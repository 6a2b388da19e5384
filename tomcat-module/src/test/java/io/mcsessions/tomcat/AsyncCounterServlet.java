package io.mcsessions.tomcat;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Asynchronous requests that change the session after the container thread has left the servlet:
 * <ul>
 * <li>{@code /async/count}: gets the session on the container thread, increments it on an async thread;</li>
 * <li>{@code /async/count-late}: gets the session (creating it if need be) on the async thread only;</li>
 * <li>{@code /async/dispatch}: the async thread increments, then dispatches to {@code /read}, which answers.</li>
 * </ul>
 * The counter is a plain Integer so that the session's payload changes with every increment.
 */
public class AsyncCounterServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) {
        String action = req.getPathInfo() == null ? "/" : req.getPathInfo();
        HttpSession early = action.equals("/count") || action.equals("/dispatch") ? req.getSession(true) : null;
        AsyncContext async = req.startAsync();
        async.start(() -> {
            HttpSession session = early != null ? early
                    : ((HttpServletRequest) async.getRequest()).getSession(true);
            int count = increment(session);
            if (action.equals("/dispatch")) {
                async.dispatch("/async-read");
                return;
            }
            try {
                async.getResponse().setContentType("text/plain");
                async.getResponse().getWriter().write(String.valueOf(count));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            async.complete();
        });
    }

    private static int increment(HttpSession session) {
        synchronized (session) {
            Integer count = (Integer) session.getAttribute("asyncCount");
            int next = count == null ? 1 : count + 1;
            session.setAttribute("asyncCount", next);
            return next;
        }
    }

    /** Answers the session's async counter; the target of {@code /async/dispatch}. */
    public static class Read extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(false);
            Object count = session == null ? null : session.getAttribute("asyncCount");
            resp.setContentType("text/plain");
            resp.getWriter().write(count == null ? "none" : count.toString());
        }
    }
}
