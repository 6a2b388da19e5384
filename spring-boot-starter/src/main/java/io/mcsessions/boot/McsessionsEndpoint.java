package io.mcsessions.boot;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code mcsessions} Actuator endpoint: reading it shows the memcached nodes in use and their states; writing
 * {@code memcachedNodes} applies a new node list at once, as Boot's {@code loggers} endpoint changes a log level.
 * Like every endpoint but health it is exposed only when the application says so, e.g.
 * {@code management.endpoints.web.exposure.include=health,mcsessions} (or over JMX,
 * {@code management.endpoints.jmx.exposure.include}); secure it as any endpoint that changes the application.
 */
@Endpoint(id = "mcsessions")
public class McsessionsEndpoint {
    private final McsessionsNodes nodes;

    public McsessionsEndpoint(McsessionsNodes nodes) {
        this.nodes = nodes;
    }

    /** {@code memcachedNodes}, {@code nodes} (one line per node) and {@code retiringNodes}. */
    @ReadOperation
    public Map<String, Object> nodes() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("memcachedNodes", nodes.current());
        view.put("nodes", nodes.states());
        view.put("retiringNodes", nodes.retiring());
        return view;
    }

    /**
     * Applies a new node list (see {@link McsessionsNodes#apply}); answers with the nodes as {@link #nodes()} does.
     * An invalid list answers 400 with the reason.
     */
    @WriteOperation
    public Map<String, Object> memcachedNodes(String memcachedNodes) {
        try {
            nodes.apply(memcachedNodes);
        } catch (IllegalArgumentException e) {
            throw new InvalidEndpointRequestException(e.getMessage(), e.getMessage());
        }
        return nodes();
    }
}
