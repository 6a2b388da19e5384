package io.mcsessions.jetty.ee11;

import io.mcsessions.jetty.embedded.ServletEnvironment;
import jakarta.servlet.Servlet;
import java.util.EventListener;
import java.util.List;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.handler.ContextHandler;

/** Jetty's ee11 environment: an {@code org.eclipse.jetty.ee11.servlet.ServletContextHandler} with its SessionHandler. */
final class Ee11Environment implements ServletEnvironment {

    @Override
    public String name() {
        return "ee11";
    }

    @Override
    public ContextHandler newContext(String contextPath, ClassLoader webappLoader, String servletClass,
                                     List<EventListener> listeners) throws Exception {
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        context.setContextPath(contextPath);
        context.setClassLoader(webappLoader);
        context.addServlet(webappLoader.loadClass(servletClass).asSubclass(Servlet.class), "/*");
        listeners.forEach(context::addEventListener);
        return context;
    }
}
