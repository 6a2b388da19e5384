package io.mcsessions.tomcat;

import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.NodeState;
import io.mcsessions.testing.MemcachedCluster;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store's MBean, read and operated through the platform MBeanServer as JConsole or a JMX agent would. */
class SessionStoreMBeanTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    /** Started by each test that asks for them, so that each test registers its MBeans afresh. */
    @RegisterExtension
    final TomcatPair tomcats = TomcatPair.on(cluster).configuredBy(m -> {
        m.setOperationTimeout(300);
        m.setRetryInterval(200);
    });

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name = objectName("io.mcsessions:type=SessionStore,host=localhost,context=/app");

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (JMException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void leaveEveryNodeUp() {
        for (EmbeddedTomcat tomcat : tomcats.started()) {
            if (tomcat.manager().store() != null) { // null once its context stopped
                for (String node : new String[] {"n1", "n2", "n3"}) {
                    tomcat.manager().store().markNodeUp(node); // node health is per JVM: leave it as found
                }
                return;
            }
        }
    }

    private Object attribute(String attribute) throws JMException {
        return SERVER.getAttribute(name, attribute);
    }

    private void invoke(String operation, String nodeId) throws JMException {
        SERVER.invoke(name, operation, new Object[] {nodeId}, new String[] {String.class.getName()});
    }

    private String nodeLine(String nodeId) throws JMException {
        return Arrays.stream((String[]) attribute("NodeStates")).filter(l -> l.startsWith(nodeId + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no NodeStates line for " + nodeId));
    }

    private Map<String, Long> counters() throws JMException {
        Map<String, Long> counters = new HashMap<>();
        for (Object row : ((TabularData) attribute("Counters")).values()) {
            CompositeData entry = (CompositeData) row;
            counters.put((String) entry.get("key"), (Long) entry.get("value"));
        }
        return counters;
    }

    @Test
    void mbeanShowsNodeStatesDegradedFlagAndCounters() throws Exception {
        EmbeddedTomcat a = tomcats.a();
        assertTrue(SERVER.isRegistered(name));
        assertEquals(Boolean.FALSE, attribute("Degraded"));
        String[] states = (String[]) attribute("NodeStates");
        assertEquals(3, states.length, Arrays.toString(states));
        for (int i = 0; i < 3; i++) {
            String line = nodeLine("n" + (i + 1));
            assertTrue(line.contains(cluster.node(i).address()) && line.contains(" UP since "), line);
        }
        long storedBefore = counters().getOrDefault("saveStored", 0L);
        SessionClient client = new SessionClient();
        client.get(a, "/count");
        client.get(a, "/count");
        assertEquals(storedBefore + 2, counters().get("saveStored"), counters().toString());
        assertTrue(counters().getOrDefault("loadFound", 0L) >= 1, counters().toString());
        assertEquals(1, attribute("LocalSessions"));
        assertEquals(0, attribute("PendingWriteBacks"));
    }

    @Test
    void markNodeDownAndUpThroughJmxTakeEffect() throws Exception {
        EmbeddedTomcat a = tomcats.a();
        invoke("markNodeDown", "n2");
        assertTrue(nodeLine("n2").contains(" MARKED_DOWN since "), nodeLine("n2"));
        assertEquals(NodeState.MARKED_DOWN, a.manager().store().nodes().get(1).state());
        SessionClient client = new SessionClient();
        for (int i = 1; i <= 5; i++) {
            assertEquals(String.valueOf(i), client.get(a, "/count"));
        }
        long operations = a.manager().store().nodes().get(1).operations();
        client.get(a, "/count");
        assertEquals(operations, a.manager().store().nodes().get(1).operations(), "a marked-down node was used");

        invoke("markNodeUp", "n2");
        a.nodesUp();
        assertTrue(nodeLine("n2").contains(" UP since "), nodeLine("n2"));
        RuntimeMBeanException unknown = assertThrows(RuntimeMBeanException.class, () -> invoke("markNodeDown", "n9"));
        assertTrue(unknown.getCause() instanceof IllegalArgumentException
                && unknown.getCause().getMessage().contains("no memcached node has the id 'n9'"), unknown.toString());
    }

    @Test
    void degradedFlagAndPendingWriteBacksFollowEveryNodeGoingDownAndComingBack() throws Exception {
        EmbeddedTomcat a = tomcats.a();
        SessionClient client = new SessionClient();
        client.get(a, "/count");
        for (String node : new String[] {"n1", "n2", "n3"}) {
            invoke("markNodeDown", node);
        }
        assertEquals(Boolean.TRUE, attribute("Degraded"));
        assertEquals("2", client.get(a, "/count"), "degraded mode serves the local copy");
        assertEquals(1, attribute("PendingWriteBacks"));
        for (String node : new String[] {"n1", "n2", "n3"}) {
            invoke("markNodeUp", node);
        }
        a.nodesUp();
        assertEquals(Boolean.FALSE, attribute("Degraded"));
        await("the session kept during the outage is written back").atMost(Duration.ofSeconds(10))
                .until(() -> a.manager().store().stats().pendingWriteBacks(), is(0));
        assertEquals(0, attribute("PendingWriteBacks"));
    }

    @Test
    void mbeanIsUnregisteredWhenTheContextStops() throws Exception {
        EmbeddedTomcat a = tomcats.a();
        assertTrue(SERVER.isRegistered(name));
        a.context().stop();
        assertFalse(SERVER.isRegistered(name), "the MBean outlived its context");
    }

    @Test
    void twoTomcatsInOneJvmKeepOneMBeanEachAndStoppingOneLeavesTheOther() throws Exception {
        EmbeddedTomcat a = tomcats.a();
        EmbeddedTomcat b = tomcats.b();
        ObjectName pattern = objectName("io.mcsessions:type=SessionStore,host=localhost,context=/app,*");
        Set<ObjectName> names = SERVER.queryNames(pattern, null);
        assertEquals(2, names.size(), names.toString());
        new SessionClient().get(b, "/count"); // a session only b holds locally

        a.context().stop();
        names = SERVER.queryNames(pattern, null);
        assertEquals(1, names.size(), "stopping one Tomcat must unregister its MBean only: " + names);
        assertEquals(1, SERVER.getAttribute(names.iterator().next(), "LocalSessions"), "the MBean left is not b's");
    }
}
