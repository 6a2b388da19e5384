package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.rawRevision;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.replicasOf;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.StoreStats.Counter;
import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import io.mcsessions.testing.MemcachedNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Invariant 6: garbage, truncated or foreign values are a miss with a warning, never an exception. */
class UnreadableValuesTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    enum Bad {
        RANDOM_BYTES {
            byte[] value() {
                byte[] bytes = new byte[300];
                new Random(6848).nextBytes(bytes);
                return bytes;
            }
        },
        TRUNCATED {
            byte[] value() {
                byte[] whole = io.mcsessions.core.internal.SessionEnvelope.session(5, 1, 1, 1, 60, "w",
                        new byte[100]).encode();
                return Arrays.copyOf(whole, whole.length - 10);
            }
        },
        FOREIGN_PHP_SESSION {
            byte[] value() {
                return "user|s:5:\"alice\";cart|a:0:{}".getBytes(StandardCharsets.UTF_8);
            }
        },
        FOREIGN_JAVA_SERIALIZED {
            byte[] value() {
                return new byte[] {(byte) 0xAC, (byte) 0xED, 0x00, 0x05, 0x74, 0x00, 0x02, 'h', 'i'};
            }
        },
        EMPTY {
            byte[] value() {
                return new byte[0];
            }
        },
        HEADER_ONLY {
            byte[] value() {
                return new byte[] {'M', 'C', 1, 0};
            }
        };

        abstract byte[] value();
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void unreadableOnEveryReplicaIsAMissWithAWarning(Bad bad) {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        cluster.nodes().forEach(node -> node.set(StoreFixture.PREFIX + "planted", bad.value(), 0));
        for (int i = 0; i < 100; i++) {
            assertEquals(LoadResult.Outcome.ABSENT, store.load("planted").outcome());
        }
        assertEquals(1, logs.count(Level.WARNING, "holds an unreadable value for session plante…"), logs.dump());
        assertTrue(store.stats().count(Counter.UNREADABLE_VALUE) >= 100);
        long revision = Revisions.next(0);
        assertEquals(SaveResult.Outcome.STORED, store.save(record("planted", revision)).outcome());
        assertFound(store.load("planted"), "planted", revision);
    }

    @ParameterizedTest
    @EnumSource(Bad.class)
    void unreadableOnOneReplicaIsReadFromTheOtherAndRepaired(Bad bad) {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        long revision = Revisions.next(0);
        store.save(record("half", revision));
        List<MemcachedNode> replicas = replicasOf(cluster, store, "half");
        replicas.get(0).set(StoreFixture.PREFIX + "half", bad.value(), 0);

        assertFound(store.load("half"), "half", revision);
        await("the damaged replica is repaired").atMost(Duration.ofSeconds(5))
                .until(() -> rawRevision(replicas.get(0), "half"), is(revision));
        assertEquals(1, logs.count(Level.WARNING, "unreadable value"), logs.dump());
    }
}
