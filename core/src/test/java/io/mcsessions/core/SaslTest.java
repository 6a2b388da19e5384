package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SASL (binary protocol, PLAIN) against real memcached processes started with -S. */
class SaslTest {
    private static final String USER = "shop";
    private static final String PASSWORD = "correct horse battery";
    private static final Path SASL_DIR = saslConfiguration();

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(2).extraArgs("-S")
            .environment("SASL_CONF_PATH", SASL_DIR.toString());

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    @Test
    void theRightCredentialsStoreAndLoad() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), c -> {
            c.setRedundancy(2);
            c.setUsername(USER);
            c.setPassword(PASSWORD);
            c.setSigningKeys("sasl-test-signing-key"); // secured both ways: no warning at all
        });
        long revision = Revisions.next(0);
        assertEquals(SaveResult.Outcome.STORED, store.save(record("s", revision)).outcome());
        assertFound(store.load("s"), "s", revision);
        assertTrue(logs.at(Level.WARNING).isEmpty(), logs.dump());
    }

    @Test
    void aWrongPasswordIsOneClearErrorPerNodeNotAFlood() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), c -> {
            c.setRedundancy(2);
            c.setUsername(USER);
            c.setPassword("wrong");
        });
        for (int i = 0; i < 200; i++) {
            store.save(record("s" + i, Revisions.next(0)));
            assertEquals(LoadResult.Outcome.UNAVAILABLE, store.load("s" + i).outcome());
        }
        // Over several retry intervals, reconnects and probes fail again: still one error per node.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(StoreFixture.RETRY_MS * 3);
        while (System.nanoTime() < until) {
            store.load("again");
        }
        for (int node = 1; node <= 2; node++) {
            String address = cluster.node(node - 1).address();
            assertEquals(1, logs.count(Level.SEVERE, "memcached node n" + node + " (" + address + ") rejected the SASL "
                    + "credentials of user 'shop': check username and password"), logs.dump());
        }
        assertEquals(2, logs.at(Level.SEVERE).size(), logs.dump());
        assertTrue(store.isDegraded());
    }

    /** A sasldb with one user, and the memcached.conf that points memcached's SASL at it. */
    private static Path saslConfiguration() {
        try {
            Path dir = Files.createTempDirectory("mcsessions-sasl");
            Path db = dir.resolve("sasldb2");
            Files.writeString(dir.resolve("memcached.conf"), "mech_list: plain\nsasldb_path: " + db + "\n");
            Process saslpasswd = new ProcessBuilder("saslpasswd2", "-p", "-a", "memcached", "-c", "-f", db.toString(),
                    USER).redirectErrorStream(true).start();
            saslpasswd.getOutputStream().write(PASSWORD.getBytes(StandardCharsets.UTF_8));
            saslpasswd.getOutputStream().close();
            if (!saslpasswd.waitFor(10, TimeUnit.SECONDS) || saslpasswd.exitValue() != 0) {
                throw new IllegalStateException("saslpasswd2 failed: "
                        + new String(saslpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("saslpasswd2 is not installed: run 'sudo apt-get install -y sasl2-bin'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
