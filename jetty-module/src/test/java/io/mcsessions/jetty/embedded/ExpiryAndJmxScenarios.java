package io.mcsessions.jetty.embedded;

import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.ReplicaInfo;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.jetty.MemcachedSessionDataStoreFactory;
import io.mcsessions.testing.MemcachedNode;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Set;
import java.util.logging.Level;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** memcached expires sessions by TTL, the instance that manages a session destroys it, JMX shows the store. */
public abstract class ExpiryAndJmxScenarios extends EmbeddedJettyTest {

    @Test
    void memcachedExpiresAnIdleSessionByItsTtl() throws Exception {
        JettyInstance a = started(jetty("a").scavengeSeconds(1).start(sessions()));
        assertEquals(200, browser.ask(a.uri("action=timeout&seconds=1")).status());
        String key = sessionKey(a);
        copies(a, 2);

        a.close(); // no instance manages the session any more: only memcached's TTL ends it

        await("memcached drops the idle session").until(() -> cluster.nodes().stream()
                .filter(n -> n.get(key) != null).map(MemcachedNode::id).toList(), empty());
    }

    @Test
    void expiredSessionIsDestroyedOnTheInstanceThatHoldsIt() throws Exception {
        DestroyedSessions destroyed = new DestroyedSessions();
        JettyInstance a = started(jetty("a").sticky(true).scavengeSeconds(1).listener(destroyed).start(sessions()));
        assertEquals(1, browser.ask(a.uri("action=timeout&seconds=1")).count());
        String id = browser.sessionId();

        await("the session's listener").until(destroyed::ids, hasItem(id));

        assertEquals("none", browser.ask(a.uri("action=read")).values().get("session"));
        try (ReplicatedSessionStore direct = directStore(a)) {
            assertTrue(direct.inspect(id).stream().noneMatch(r -> r.holding() == ReplicaInfo.Holding.COPY),
                    "only tombstones are left in memcached");
        }
    }

    /**
     * A session evicted from the session cache is no candidate of the cache any more, and memcached cannot list
     * keys: the instance finds it among the sessions it wrote last, and still calls the listener.
     */
    @Test
    void evictedExpiredSessionIsDestroyedByTheInstanceThatWroteItLast() throws Exception {
        DestroyedSessions destroyedOnA = new DestroyedSessions();
        DestroyedSessions destroyedOnB = new DestroyedSessions();
        JettyInstance a = started(jetty("a").sticky(true).evictIdleSeconds(1).scavengeSeconds(1)
                .listener(destroyedOnA).start(sessions()));
        JettyInstance b = started(jetty("b").sticky(true).evictIdleSeconds(1).scavengeSeconds(1)
                .listener(destroyedOnB).start(sessions()));
        assertEquals(1, browser.ask(b.uri("action=timeout&seconds=3")).count());
        assertEquals(2, browser.count(on(a)));
        String id = browser.sessionId();

        await("the listener of the instance that wrote the session last").until(destroyedOnA::ids, hasItem(id));

        assertFalse(destroyedOnB.ids().contains(id), "only the instance that manages a session destroys it");
        assertEquals("none", browser.ask(b.uri("action=read")).values().get("session"));
    }

    @Test
    void jmxShowsNodeStatesTheDegradedFlagAndCounters() throws Exception {
        JettyInstance a = started(jetty("a").jmx().start(sessions()));
        assertEquals(1, browser.count(on(a)));
        assertEquals(2, browser.count(on(a)));
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = mbeans.queryNames(
                new ObjectName("io.mcsessions.jetty:type=memcachedsessiondatastore,*"), null);
        assertEquals(1, names.size(), names::toString);
        ObjectName store = names.iterator().next();

        String[] states = (String[]) mbeans.getAttribute(store, "nodeStates");
        assertEquals(3, states.length);
        assertTrue(Arrays.stream(states).allMatch(s -> s.contains(": UP since")), Arrays.toString(states));
        assertEquals(Boolean.FALSE, mbeans.getAttribute(store, "degraded"));
        String[] counters = (String[]) mbeans.getAttribute(store, "counters");
        long saved = Arrays.stream(counters).filter(c -> c.startsWith("saveStored=")).mapToLong(c -> Long.parseLong(
                c.substring("saveStored=".length()))).sum();
        assertTrue(saved >= 2, "each request is written: " + Arrays.toString(counters));

        mbeans.invoke(store, "markNodeDown", new Object[] {"n1"}, new String[] {String.class.getName()});
        assertTrue(((String[]) mbeans.getAttribute(store, "nodeStates"))[0].startsWith("n1 (" + cluster.node(0)
                .address() + "): MARKED_DOWN"));
        assertEquals(3, browser.count(on(a)));
        mbeans.invoke(store, "markNodeUp", new Object[] {"n1"}, new String[] {String.class.getName()});
        await("n1 back in service").until(() -> state(a, cluster.node(0)), is("UP"));

        cluster.nodes().forEach(MemcachedNode::kill);
        assertEquals(4, browser.count(on(a)));
        assertEquals(Boolean.TRUE, mbeans.getAttribute(store, "degraded"));
        assertEquals(1, logs.count(Level.WARNING, "memcached node n1 (" + cluster.node(0).address()
                + ") was marked down by an operator"), logs.dump());
    }

    @Test
    void badSettingStopsTheContextWithAMessageThatNamesIt() {
        MemcachedSessionDataStoreFactory sessions = sessions();
        sessions.setRedundancy(4);

        Exception failure = assertThrows(Exception.class, () -> started(jetty("a").start(sessions)));

        String expected = "redundancy must be between 1 and the number of nodes (3), but was 4";
        Throwable cause = failure;
        while (cause != null && (cause.getMessage() == null || !cause.getMessage().contains(expected))) {
            cause = cause.getCause() != null ? cause.getCause()
                    : cause.getSuppressed().length > 0 ? cause.getSuppressed()[0] : null;
        }
        assertTrue(cause != null, () -> "no cause says '" + expected + "': " + failure);
    }
}
