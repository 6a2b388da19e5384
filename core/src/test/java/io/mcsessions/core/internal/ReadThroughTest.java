package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How far down the up nodes a read goes: through the N-th node that was up for the whole settle window. */
class ReadThroughTest {
    private static final List<String> UP = List.of("a", "b", "c", "d", "e");

    @Test
    void inASteadyStateOnlyTheReplicasAreRead() {
        assertEquals(2, ReplicaSet.readThrough(UP, 2, node -> true));
    }

    @Test
    void aReplicaThatCameBackRecentlyExtendsTheReadToTheNextSettledNode() {
        assertEquals(3, ReplicaSet.readThrough(UP, 2, node -> !node.equals("a")));
        assertEquals(3, ReplicaSet.readThrough(UP, 2, node -> !node.equals("b")));
        assertEquals(2, ReplicaSet.readThrough(UP, 2, node -> !node.equals("c")), "c is no replica");
        assertEquals(4, ReplicaSet.readThrough(UP, 2, node -> !Set.of("a", "c").contains(node)));
    }

    @Test
    void fewerSettledNodesThanCopiesMeansEveryNodeThatIsUp() {
        assertEquals(5, ReplicaSet.readThrough(UP, 3, node -> Set.of("a", "e").contains(node)));
        assertEquals(5, ReplicaSet.readThrough(UP, 2, node -> false));
        assertEquals(0, ReplicaSet.readThrough(List.<String>of(), 2, node -> true));
    }
}
