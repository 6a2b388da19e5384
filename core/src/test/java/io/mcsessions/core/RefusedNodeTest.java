package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ZF-6848: a node that refuses connections from the start is one warning, never an exception. */
class RefusedNodeTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(2);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    @Test
    void aNodeRefusingFromTheStartCostsOneWarningAndNoFailedOperation() {
        String refused = MemcachedCluster.refusedAddress();
        ReplicatedSessionStore store = stores.usedWithThirdNode(cluster, refused, 500);

        String warning = StoreFixture.theOneWarning(logs);
        assertTrue(warning.contains("memcached node n3 (" + refused + ") is down"), warning);
        assertTrue(logs.at(Level.SEVERE).isEmpty(), logs.dump());
        // DOWN, or PROBING while a probe dials it: either way out of use.
        NodeState n3 = StoreFixture.stateOf(store, "n3");
        assertTrue(n3 == NodeState.DOWN || n3 == NodeState.PROBING, "n3 is " + n3);
    }
}
