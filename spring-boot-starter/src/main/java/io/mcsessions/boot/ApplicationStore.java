package io.mcsessions.boot;

import io.mcsessions.core.ReplicatedSessionStore;
import jakarta.servlet.ServletContext;
import java.util.Optional;
import org.springframework.context.ApplicationContext;
import org.springframework.web.context.WebApplicationContext;

/**
 * This application's running session store. The adapters publish it as the servlet context attribute
 * {@code io.mcsessions.core.ReplicatedSessionStore} while it runs; the store starts with the embedded web server,
 * after the beans are made, so it is looked up when asked for, never kept. Looking it up in this application's own
 * servlet context keeps two applications in one JVM (and their metrics and health) apart.
 */
public final class ApplicationStore {
    /** The attribute both adapters publish the store under ({@code STORE_ATTRIBUTE} in each). */
    static final String STORE_ATTRIBUTE = ReplicatedSessionStore.SERVLET_CONTEXT_ATTRIBUTE;

    private final ApplicationContext context;

    public ApplicationStore(ApplicationContext context) {
        this.context = context;
    }

    /** The store while the web server runs; empty before it starts and after it stops. */
    public Optional<ReplicatedSessionStore> current() {
        if (context instanceof WebApplicationContext web) {
            ServletContext servletContext = web.getServletContext();
            if (servletContext != null
                    && servletContext.getAttribute(STORE_ATTRIBUTE) instanceof ReplicatedSessionStore store) {
                return Optional.of(store);
            }
        }
        return Optional.empty();
    }
}
