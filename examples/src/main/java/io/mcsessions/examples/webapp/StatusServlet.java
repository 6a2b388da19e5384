package io.mcsessions.examples.webapp;

import io.mcsessions.core.NodeStatus;
import io.mcsessions.core.ReplicaInfo;
import io.mcsessions.core.ReplicatedSessionStore;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the session lives: {@code /status} (HTML) and {@code /status.json} (for scripts). Shows which instance
 * served the request, which memcached nodes hold this session and at which revision, each node's health, the
 * degraded flag and the store's counters. Never creates a session.
 *
 * <p>The adapters publish the running store as the context attribute {@code io.mcsessions.core.ReplicatedSessionStore}.
 */
public final class StatusServlet extends HttpServlet {
    /** The context attribute under which the Tomcat and Jetty adapters publish their store. */
    public static final String STORE_ATTRIBUTE = ReplicatedSessionStore.SERVLET_CONTEXT_ATTRIBUTE;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> status = status(request);
        if (request.getRequestURI().endsWith(".json")) {
            response.setContentType("application/json;charset=UTF-8");
            response.getWriter().write(Json.write(status));
        } else {
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write(html(request, status));
        }
    }

    static Map<String, Object> status(HttpServletRequest request) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("instance", CartServlet.instance(request));
        HttpSession session = request.getSession(false);
        out.put("session", session == null ? null : session.getId());
        Object found = request.getServletContext().getAttribute(STORE_ATTRIBUTE);
        if (!(found instanceof ReplicatedSessionStore store)) {
            out.put("error", "no mcsessions store is published in this context");
            return out;
        }
        out.put("degraded", store.isDegraded());
        out.put("pendingWriteBacks", store.stats().pendingWriteBacks());
        List<Map<String, Object>> copies = new ArrayList<>();
        if (session != null) {
            for (ReplicaInfo info : copiesOf(store, session.getId())) {
                Map<String, Object> copy = new LinkedHashMap<>();
                copy.put("node", info.node().id());
                copy.put("address", info.node().address());
                copy.put("replica", info.preferred());
                copy.put("holds", info.holding().name());
                copy.put("revision", info.revision() < 0 ? null : info.revision());
                copies.add(copy);
            }
        }
        out.put("copies", copies);
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeStatus node : store.nodes()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("node", node.node().id());
            n.put("address", node.node().address());
            n.put("state", node.state().name());
            n.put("since", Instant.ofEpochMilli(node.sinceMillis()).toString());
            n.put("lastFailure", node.lastFailure());
            n.put("operations", node.operations());
            n.put("failures", node.failures());
            n.put("timeouts", node.timeouts());
            nodes.add(n);
        }
        out.put("nodes", nodes);
        out.put("counters", store.stats().counters());
        return out;
    }

    /** Containers may add a route suffix to the id they show; the store keys sessions by the plain id. */
    private static List<ReplicaInfo> copiesOf(ReplicatedSessionStore store, String id) {
        List<ReplicaInfo> infos = store.inspect(id);
        boolean anything = infos.stream().anyMatch(i -> i.holding() != ReplicaInfo.Holding.NOTHING
                && i.holding() != ReplicaInfo.Holding.NO_ANSWER);
        int dot = id.indexOf('.');
        return anything || dot < 0 ? infos : store.inspect(id.substring(0, dot));
    }

    @SuppressWarnings("unchecked")
    private static String html(HttpServletRequest request, Map<String, Object> status) {
        StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=utf-8><title>mcsessions ")
                .append("status</title><style>body{font-family:system-ui,sans-serif;max-width:56em;margin:2em auto;")
                .append("padding:0 1em}td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}")
                .append(".UP{color:#070}.DOWN,.MARKED_DOWN{color:#b00}.PROBING{color:#a60}</style></head><body>")
                .append("<h1>Served by ").append(Json.html(status.get("instance"))).append("</h1>")
                .append("<p><a href='").append(request.getContextPath()).append("/'>Back to the cart</a> · ")
                .append("<a href='status.json'>JSON</a></p>");
        if (status.containsKey("error")) {
            return html.append("<p>").append(Json.html(status.get("error"))).append("</p></body></html>").toString();
        }
        Object session = status.get("session");
        html.append("<p>Session: <code>").append(session == null ? "none yet" : Json.html(
                String.valueOf(session).substring(0, Math.min(6, String.valueOf(session).length())) + "…"))
                .append("</code>. Degraded (no memcached node reachable): <b>").append(status.get("degraded"))
                .append("</b></p><h2>Copies of this session</h2><table><tr><th>node</th><th>replica now</th>")
                .append("<th>holds</th><th>revision</th></tr>");
        for (Map<String, Object> copy : (List<Map<String, Object>>) status.get("copies")) {
            html.append("<tr><td>").append(Json.html(copy.get("node"))).append("</td><td>").append(copy.get("replica"))
                    .append("</td><td>").append(copy.get("holds")).append("</td><td>").append(copy.get("revision"))
                    .append("</td></tr>");
        }
        html.append("</table><h2>Nodes</h2><table><tr><th>node</th><th>address</th><th>state</th><th>since</th>")
                .append("<th>last failure</th><th>ops</th><th>failures</th><th>timeouts</th></tr>");
        for (Map<String, Object> node : (List<Map<String, Object>>) status.get("nodes")) {
            html.append("<tr><td>").append(Json.html(node.get("node"))).append("</td><td>")
                    .append(Json.html(node.get("address"))).append("</td><td class=").append(node.get("state"))
                    .append('>').append(node.get("state")).append("</td><td>").append(node.get("since"))
                    .append("</td><td>").append(Json.html(node.get("lastFailure"))).append("</td><td>")
                    .append(node.get("operations")).append("</td><td>").append(node.get("failures"))
                    .append("</td><td>").append(node.get("timeouts")).append("</td></tr>");
        }
        html.append("</table><h2>Counters</h2><table>");
        ((Map<String, Long>) status.get("counters")).forEach((name, value) -> html.append("<tr><td>").append(name)
                .append("</td><td>").append(value).append("</td></tr>"));
        return html.append("</table></body></html>").toString();
    }
}
