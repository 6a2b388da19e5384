package io.mcsessions.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension's beforeEach: whatever one test leaves behind, the next one starts with clean nodes. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResetBeforeEachTest {

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @Test
    @Order(1)
    void firstTestLeavesDataAPausedNodeAndAKilledNode() {
        cluster.nodes().forEach(node -> node.set("left-behind", "x".getBytes(UTF_8), 0));
        cluster.node(1).pause();
        cluster.node(2).kill();
        assertTrue(cluster.node(1).isPaused());
        assertFalse(cluster.node(2).isRunning());
    }

    @Test
    @Order(2)
    void nextTestStartsWithEveryNodeRunningResumedAndEmpty() {
        for (MemcachedNode node : cluster.nodes()) {
            assertTrue(node.isRunning(), node + " runs");
            assertFalse(node.isPaused(), node + " is resumed");
            assertNull(node.get("left-behind"), node + " is empty");
        }
    }
}
