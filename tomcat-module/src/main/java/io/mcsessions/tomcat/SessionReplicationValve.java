package io.mcsessions.tomcat;

import io.mcsessions.core.SessionLock;
import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Brackets every request of the context: takes the session's lock when {@code lockingMode} asks for it, opens
 * the {@link RequestScope} that makes the manager load the session from memcached once, and at the end writes
 * each session the request changed (or refreshes the expiry of one it only read), then releases the lock.
 * The manager puts this valve on its host's pipeline (it passes other contexts' requests through), so it
 * brackets everything Tomcat does for the request in the context, authenticators and error pages included.
 */
final class SessionReplicationValve extends ValveBase {
    private final MemcachedSessionManager manager;

    SessionReplicationValve(MemcachedSessionManager manager) {
        super(true);
        this.manager = manager;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getContext() != manager.getContext()) {
            getNext().invoke(request, response);
            return;
        }
        String uri = request.getDecodedRequestURI();
        if (manager.isIgnored(uri)) {
            try (RequestScope ignored = RequestScope.open(manager, true)) {
                getNext().invoke(request, response);
            }
            return;
        }
        String requestedId = request.getRequestedSessionId();
        SessionLock lock = manager.lockFor(requestedId, uri);
        RequestScope scope = RequestScope.open(manager, false);
        try {
            manager.rerouteAfterFailover(request, requestedId);
            getNext().invoke(request, response);
        } finally {
            try {
                manager.requestEnded(scope, lock); // releases the lock, also when it fails
            } finally {
                scope.close();
            }
        }
    }
}
