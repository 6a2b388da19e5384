package io.mcsessions.tomcat;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * Brackets every request of the context: takes the session's lock when {@code lockingMode} asks for it, opens
 * the {@link RequestScope} that makes the manager load the session from memcached once, and at the end writes
 * each session the request changed (or refreshes the expiry of one it only read), then releases the lock.
 *
 * <p>The end of an asynchronous request is when it completes: the scope and the lock then last until
 * {@link AsyncListener#onComplete}, async dispatches run in the same scope (without locking again), and what the
 * async threads did to the session is written, with the lock held until the write is acknowledged.
 *
 * <p>The manager puts this valve on its host's pipeline (it passes other contexts' requests through), so it
 * brackets everything Tomcat does for the request in the context, authenticators and error pages included.
 */
final class SessionReplicationValve extends ValveBase {
    /** The request note holding the scope of a request whose end waits for its async completion. */
    private static final String ASYNC_SCOPE = "io.mcsessions.tomcat.asyncScope";

    private final RequestBracket bracket;
    private final MemcachedSessionManager manager;

    SessionReplicationValve(RequestBracket bracket) {
        super(true);
        this.bracket = bracket;
        this.manager = bracket.manager();
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getContext() != manager.getContext()) {
            getNext().invoke(request, response);
            return;
        }
        if (request.getNote(ASYNC_SCOPE) instanceof RequestScope dispatched) {
            // An async dispatch of a request that is already bracketed (and holds its lock).
            try (RequestScope.Binding bound = dispatched.bind()) {
                getNext().invoke(request, response);
            }
            return;
        }
        String uri = request.getDecodedRequestURI();
        if (bracket.isIgnored(uri)) {
            try (RequestScope.Binding ignored = new RequestScope(manager, true, null).bind()) {
                getNext().invoke(request, response);
            }
            return;
        }
        String requestedId = request.getRequestedSessionId();
        RequestScope scope = new RequestScope(manager, false, bracket.lockFor(requestedId, uri));
        boolean async = false;
        try (RequestScope.Binding bound = scope.bind()) {
            bracket.rerouteAfterFailover(request, requestedId);
            getNext().invoke(request, response);
            async = request.isAsync() && endOnCompletion(request, scope);
        } finally {
            if (!async) {
                bracket.ended(scope); // releases the lock, also when it fails
            }
        }
    }

    /** Defers the end of the request to its async completion; false when it completed already. */
    private boolean endOnCompletion(Request request, RequestScope scope) {
        try {
            request.getAsyncContextInternal().addListener(new Completion(request, scope));
        } catch (IllegalStateException alreadyCompleted) {
            return false;
        }
        request.setNote(ASYNC_SCOPE, scope);
        return true;
    }

    /** Ends the request when its async processing completes (also after a timeout or an error). */
    private final class Completion implements AsyncListener {
        private final Request request;
        private final RequestScope scope;

        Completion(Request request, RequestScope scope) {
            this.request = request;
            this.scope = scope;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            request.removeNote(ASYNC_SCOPE);
            bracket.asyncEnded(request, scope);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // onComplete follows
        }

        @Override
        public void onError(AsyncEvent event) {
            // onComplete follows
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // A dispatch started async again: Tomcat dropped the listeners, so stay for the new round.
            event.getAsyncContext().addListener(this);
        }
    }
}
