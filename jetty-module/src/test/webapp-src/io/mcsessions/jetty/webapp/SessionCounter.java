package io.mcsessions.jetty.webapp;

import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionEvent;
import java.io.Serializable;

/**
 * A session attribute whose class only the web application can see: it is compiled into the test webapp's own
 * classes, never onto the test class path. It also counts the passivation callbacks it gets.
 */
public class SessionCounter implements Serializable, HttpSessionActivationListener {
    private static final long serialVersionUID = 1L;

    private int count;
    private int passivations;
    private int activations;

    public int increment() {
        return ++count;
    }

    public int count() {
        return count;
    }

    public int passivations() {
        return passivations;
    }

    public int activations() {
        return activations;
    }

    @Override
    public void sessionWillPassivate(HttpSessionEvent event) {
        passivations++;
    }

    @Override
    public void sessionDidActivate(HttpSessionEvent event) {
        activations++;
    }
}
