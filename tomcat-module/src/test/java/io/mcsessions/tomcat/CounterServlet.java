package io.mcsessions.tomcat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * The test application: each path is one thing a web application does with its session. The counter is an
 * instance of a class only the web application can see ({@link WebappClasses}), used through reflection.
 */
public class CounterServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** An attribute that does not serialize. */
    static final class NotSerializableThing {
    }

    /** What a status page shows of the store the manager publishes in the servlet context. */
    private static String describeStore(Object attribute) {
        if (attribute == null) {
            return "none";
        }
        io.mcsessions.core.ReplicatedSessionStore store = (io.mcsessions.core.ReplicatedSessionStore) attribute;
        return store.name() + " " + store.nodes().size() + " nodes, degraded " + store.isDegraded();
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String action = req.getPathInfo() == null ? "/" : req.getPathInfo();
        resp.setContentType("text/plain");
        try {
            resp.getWriter().write(handle(action, req));
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }

    private String handle(String action, HttpServletRequest req) throws ReflectiveOperationException {
        if (action.startsWith("/static/")) {
            HttpSession session = req.getSession(false);
            if (session != null) {
                session.setAttribute("touchedByStatic", Boolean.TRUE);
            }
            return session == null ? "none" : "session";
        }
        switch (action) {
            case "/count": {
                HttpSession session = req.getSession(true);
                Object counter = session.getAttribute("counter");
                if (counter == null) {
                    counter = req.getServletContext().getClassLoader().loadClass(EmbeddedTomcat.COUNTER_CLASS)
                            .getConstructor().newInstance();
                }
                Object count = counter.getClass().getMethod("increment").invoke(counter);
                session.setAttribute("counter", counter);
                return String.valueOf(count);
            }
            case "/read": {
                HttpSession session = req.getSession(false);
                Object counter = session == null ? null : session.getAttribute("counter");
                return counter == null ? "none" : String.valueOf(counter.getClass().getMethod("get").invoke(counter));
            }
            case "/invalidate":
                req.getSession(true).invalidate();
                return "invalidated";
            case "/rotate":
                req.getSession(true);
                return req.changeSessionId();
            case "/id": {
                HttpSession session = req.getSession(false);
                return session == null ? "none" : session.getId();
            }
            case "/unserializable":
                req.getSession(true).setAttribute("thing", new NotSerializableThing());
                return "ok";
            case "/has-unserializable": {
                HttpSession session = req.getSession(false);
                return String.valueOf(session != null && session.getAttribute("thing") != null);
            }
            case "/timeout": {
                req.getSession(true).setMaxInactiveInterval(Integer.parseInt(req.getParameter("s")));
                return "ok";
            }
            case "/set":
                req.getSession(true).setAttribute(req.getParameter("name"), req.getParameter("value"));
                return "ok";
            case "/big": // an attribute of kb kilobytes, to outgrow memcached's item size
                req.getSession(true).setAttribute("big", new byte[Integer.parseInt(req.getParameter("kb")) * 1024]);
                return "ok";
            case "/remove": {
                HttpSession session = req.getSession(false);
                if (session != null) {
                    session.removeAttribute(req.getParameter("name"));
                }
                return String.valueOf(session != null);
            }
            case "/role": // what a login restored from the session may do
                return String.valueOf(req.isUserInRole(req.getParameter("name")));
            case "/user":
                return req.getUserPrincipal() == null ? "none" : req.getUserPrincipal().getName();
            case "/store":
                return describeStore(req.getServletContext().getAttribute("io.mcsessions.core.ReplicatedSessionStore"));
            default:
                return "unknown " + action;
        }
    }
}
