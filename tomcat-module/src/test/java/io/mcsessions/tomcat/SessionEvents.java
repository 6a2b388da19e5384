package io.mcsessions.tomcat;

import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.List;

/** Records the session events one web application receives, in order, without session ids. */
final class SessionEvents implements HttpSessionListener, HttpSessionAttributeListener, HttpSessionIdListener {
    private final List<String> events = new ArrayList<>();

    private synchronized void record(String event) {
        events.add(event);
    }

    /** A snapshot of the events so far. */
    synchronized List<String> events() {
        return List.copyOf(events);
    }

    synchronized void clear() {
        events.clear();
    }

    synchronized long count(String event) {
        return events.stream().filter(event::equals).count();
    }

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        record("created");
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        record("destroyed");
    }

    @Override
    public void sessionIdChanged(HttpSessionEvent event, String oldSessionId) {
        record("idChanged");
    }

    @Override
    public void attributeAdded(HttpSessionBindingEvent event) {
        record("added " + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeReplaced(HttpSessionBindingEvent event) {
        record("replaced " + event.getName() + "=" + event.getValue());
    }

    @Override
    public void attributeRemoved(HttpSessionBindingEvent event) {
        record("removed " + event.getName() + "=" + event.getValue());
    }
}
