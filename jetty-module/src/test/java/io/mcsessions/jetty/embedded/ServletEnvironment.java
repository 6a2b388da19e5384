package io.mcsessions.jetty.embedded;

import java.util.EventListener;
import java.util.List;
import org.eclipse.jetty.server.handler.ContextHandler;

/** One of Jetty's servlet environments (ee10, ee11): how a servlet context with sessions is made in it. */
public interface ServletEnvironment {

    /** {@code ee10} or {@code ee11}. */
    String name();

    /**
     * A servlet context at {@code contextPath} with a session handler, whose class loader is {@code webappLoader},
     * serving the servlet {@code servletClass} (loaded by that loader) at {@code /*}, with these listeners.
     */
    ContextHandler newContext(String contextPath, ClassLoader webappLoader, String servletClass,
                              List<EventListener> listeners) throws Exception;
}
