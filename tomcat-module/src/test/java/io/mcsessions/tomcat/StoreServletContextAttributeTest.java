package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.testing.MemcachedCluster;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpServlet;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The running store is published to the web application, for status pages, while the manager runs. */
class StoreServletContextAttributeTest {
    private static final String ATTRIBUTE = "io.mcsessions.core.ReplicatedSessionStore";

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    private static EmbeddedTomcat.Builder tomcat() {
        return EmbeddedTomcat.with().memcached(m -> {
            m.setMemcachedNodes(cluster.nodesString());
            m.setOperationTimeout(300);
        });
    }

    @Test
    void webApplicationFindsTheRunningStoreUnderItsClassName() throws Exception {
        assertEquals(ATTRIBUTE, MemcachedSessionManager.STORE_ATTRIBUTE);
        AtomicReference<Object> seenAtInit = new AtomicReference<>();
        HttpServlet initProbe = new HttpServlet() {
            @Override
            public void init(ServletConfig config) {
                seenAtInit.set(config.getServletContext().getAttribute(ATTRIBUTE));
            }
        };
        try (EmbeddedTomcat a = tomcat().customize(context -> {
            Wrapper probe = Tomcat.addServlet(context, "init-probe", initProbe);
            probe.setLoadOnStartup(1);
        }).start()) {
            ReplicatedSessionStore store = a.manager().store();
            assertSame(store, a.context().getServletContext().getAttribute(ATTRIBUTE));
            assertEquals("/app 3 nodes, degraded false", new SessionClient().get(a, "/store"));
            assertSame(store, seenAtInit.get(), "a load-on-startup servlet's init() did not see the store");
        }
    }

    @Test
    void attributeIsRemovedWhenTheManagerStopsAndRenewedWhenItStartsAgain() throws Exception {
        AtomicReference<Object> seenAtDestroy = new AtomicReference<>("contextDestroyed did not run");
        ServletContextListener destroyProbe = new ServletContextListener() {
            @Override
            public void contextDestroyed(ServletContextEvent event) {
                seenAtDestroy.set(event.getServletContext().getAttribute(ATTRIBUTE));
            }
        };
        try (EmbeddedTomcat a = tomcat().listeners(destroyProbe).start()) {
            ServletContext servletContext = a.context().getServletContext();
            Object first = servletContext.getAttribute(ATTRIBUTE);
            assertNotNull(first);
            a.context().stop();
            // The manager stops before the listeners: they must not find the closed store.
            assertNull(seenAtDestroy.get(), "contextDestroyed found the stopped store");
            assertNull(servletContext.getAttribute(ATTRIBUTE), "the stopped store is still published");
            a.context().start();
            Object second = a.context().getServletContext().getAttribute(ATTRIBUTE);
            assertSame(a.manager().store(), second);
            assertNotSame(first, second, "a restarted context must publish its new store");
        }
    }
}
