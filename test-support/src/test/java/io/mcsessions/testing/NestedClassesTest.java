package io.mcsessions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nested classes share the outer class's cluster: the end of one must not kill it for the next. */
class NestedClassesTest {

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(2);

    private static List<Long> pidsAtStart;

    @BeforeAll
    static void rememberProcesses() {
        pidsAtStart = pids();
    }

    @Test
    void outerClassSeesTheCluster() {
        assertEquals(pidsAtStart, pids());
    }

    @Nested
    class FirstNestedClass {
        @Test
        void seesTheSameProcesses() {
            assertNotNull(pidsAtStart);
            assertEquals(pidsAtStart, pids());
        }
    }

    @Nested
    class SecondNestedClass {
        @Test
        void seesTheSameProcesses() {
            assertEquals(pidsAtStart, pids());
        }
    }

    private static List<Long> pids() {
        return cluster.nodes().stream().map(MemcachedNode::pid).collect(Collectors.toList());
    }
}
