package io.mcsessions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster used without JUnit's lifecycle: start(), close(), and what happens when starting fails. */
class StandaloneClusterTest {

    @Test
    void extraArgsReachEveryProcessAndCloseKillsThem() {
        List<MemcachedNode> nodes;
        try (MemcachedCluster cluster = MemcachedCluster.withNodes(2).extraArgs("-I", "2m")) {
            cluster.start();
            nodes = cluster.nodes();
            byte[] largerThanDefaultItemLimit = new byte[1_500_000];
            for (MemcachedNode node : nodes) {
                node.set("large", largerThanDefaultItemLimit, 0);
                assertEquals(largerThanDefaultItemLimit.length, node.get("large").length, node.toString());
            }
        }
        for (MemcachedNode node : nodes) {
            assertFalse(node.isRunning(), node + " was killed by close()");
            assertFalse(ProcessHandle.of(node.pid()).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    @Test
    void startFailureNamesThePortAndTheProcessStderr() {
        MemcachedCluster cluster = MemcachedCluster.withNodes(1).extraArgs("--no-such-option");

        IllegalStateException failure = assertThrows(IllegalStateException.class, cluster::start);

        assertTrue(failure.getMessage().matches("(?s).*on 127\\.0\\.0\\.1:\\d+ .*"), failure.getMessage());
        assertTrue(failure.getMessage().contains("no-such-option"), failure.getMessage());
        assertThrows(IllegalStateException.class, cluster::nodes, "a failed cluster has no nodes");
    }

    @Test
    void missingBinarySaysHowToInstallIt(@TempDir Path emptyDir) {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> MemcachedBinary.locate(Map.of("PATH", emptyDir.toString()), List.of(emptyDir.resolve("memcached"))));

        assertEquals("memcached is not installed: run 'sudo apt-get install -y memcached' (Debian/Ubuntu)"
                + " or set MEMCACHED_BIN to its path", failure.getMessage());
    }

    @Test
    void memcachedBinEnvironmentVariableComesFirst(@TempDir Path dir) throws Exception {
        Path configured = Files.createFile(dir.resolve("my-memcached"));
        assertTrue(configured.toFile().setExecutable(true));

        Path found = MemcachedBinary.locate(Map.of("MEMCACHED_BIN", configured.toString()), List.of(Path.of("/usr/bin/memcached")));

        assertEquals(configured, found);
    }

    @Test
    void nodeCountBelowOneIsRejected() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> MemcachedCluster.withNodes(0));
        assertEquals("count must be at least 1, but was 0", failure.getMessage());
    }
}
