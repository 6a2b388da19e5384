package io.mcsessions.jetty.embedded;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the ids of the sessions a context destroys (its {@code HttpSessionListener.sessionDestroyed} calls). */
public final class DestroyedSessions implements HttpSessionListener {
    private final List<String> ids = new CopyOnWriteArrayList<>();

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        ids.add(event.getSession().getId());
    }

    public List<String> ids() {
        return List.copyOf(ids);
    }
}
