package io.mcsessions.examples.webapp;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample application: a shopping cart kept in the HTTP session.
 *
 * <pre>
 * GET  /                      the cart as a page, with buttons
 * GET  /api/cart              the cart as JSON
 * POST /api/cart/add?item=x   adds an item; answers the cart as JSON (or redirects a form post to /)
 * POST /api/session/rotate    changes the session id (as after a login)
 * POST /api/session/invalidate ends the session
 * </pre>
 */
public final class CartServlet extends HttpServlet {
    private static final List<String> ITEMS = List.of("apple", "pear", "book", "teapot");

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getRequestURI().endsWith("/api/cart")) {
            json(request, response, cart(request.getSession(false)));
        } else {
            page(request, response);
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        switch (path) {
            case "/api/cart/add" -> {
                HttpSession session = request.getSession(true);
                Cart cart = cart(session);
                String item = request.getParameter("item");
                cart.add(item == null || item.isBlank() ? "apple" : item, instance(request));
                session.setAttribute("cart", cart); // set again: the container sees the change
            }
            case "/api/session/rotate" -> {
                if (request.getSession(false) != null) {
                    request.changeSessionId();
                }
            }
            case "/api/session/invalidate" -> {
                HttpSession session = request.getSession(false);
                if (session != null) {
                    session.invalidate();
                }
            }
            default -> {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
        }
        if ("form".equals(request.getParameter("from"))) {
            response.sendRedirect(request.getContextPath() + "/");
        } else {
            HttpSession session = request.getSession(false);
            json(request, response, session == null ? new Cart() : cart(session));
        }
    }

    private static Cart cart(HttpSession session) {
        Object cart = session == null ? null : session.getAttribute("cart");
        return cart instanceof Cart c ? c : new Cart();
    }

    static String instance(HttpServletRequest request) {
        String name = request.getServletContext().getInitParameter("mcsessions.demo.instance");
        return name == null ? request.getServletContext().getServerInfo() : name;
    }

    private static void json(HttpServletRequest request, HttpServletResponse response, Cart cart) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("instance", instance(request));
        HttpSession session = request.getSession(false);
        out.put("session", session == null ? null : session.getId());
        out.put("count", cart.count());
        out.put("changes", cart.changes().stream().map(c -> Map.of("item", c.item(), "instance", c.instance(),
                "time", Instant.ofEpochMilli(c.timeMillis()).toString())).toList());
        response.setContentType("application/json;charset=UTF-8");
        response.getWriter().write(Json.write(out));
    }

    private static void page(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HttpSession session = request.getSession(false);
        Cart cart = cart(session);
        String base = request.getContextPath();
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset=utf-8><title>mcsessions demo: ")
                .append(Json.html(instance(request))).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;max-width:46em;margin:2em auto;padding:0 1em}")
                .append("button{margin:.2em;padding:.4em .9em}table{border-collapse:collapse}")
                .append("td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}")
                .append(".who{color:#555}</style></head><body>")
                .append("<h1>Cart on <span class=who>").append(Json.html(instance(request))).append("</span></h1>")
                .append("<p>This page was served by <b>").append(Json.html(instance(request)))
                .append("</b>. Open the same page on the other instance of the pair: the cart follows you, ")
                .append("because the session lives on memcached nodes, not in one server.</p>")
                .append("<p>Items in the cart: <b id=count>").append(cart.count()).append("</b></p><p>");
        for (String item : ITEMS) {
            html.append("<form method=post action='").append(base).append("/api/cart/add' style=display:inline>")
                    .append("<input type=hidden name=from value=form><input type=hidden name=item value=")
                    .append(item).append("><button>Add ").append(item).append("</button></form>");
        }
        html.append("</p><p><form method=post action='").append(base).append("/api/session/rotate' style=display:inline>")
                .append("<input type=hidden name=from value=form><button>Change session id</button></form>")
                .append("<form method=post action='").append(base).append("/api/session/invalidate' style=display:inline>")
                .append("<input type=hidden name=from value=form><button>End session</button></form> ")
                .append("<a href='").append(base).append("/status'>Where is my session?</a></p>");
        html.append("<table><tr><th>#</th><th>item</th><th>added on</th><th>at</th></tr>");
        List<Cart.Change> changes = cart.changes();
        for (int i = changes.size() - 1; i >= 0; i--) {
            Cart.Change c = changes.get(i);
            html.append("<tr><td>").append(i + 1).append("</td><td>").append(Json.html(c.item())).append("</td><td>")
                    .append(Json.html(c.instance())).append("</td><td>")
                    .append(Instant.ofEpochMilli(c.timeMillis())).append("</td></tr>");
        }
        html.append("</table></body></html>");
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write(html.toString());
    }
}
