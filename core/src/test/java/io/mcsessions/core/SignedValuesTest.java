package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.assertFound;
import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.StoreStats.Counter;
import io.mcsessions.core.internal.SessionEnvelope;
import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With signingKeys, a value without a valid HMAC is rejected before anything deserializes it. */
class SignedValuesTest {
    private static final String KEY_1 = "first-signing-key-0123456789";
    private static final String KEY_2 = "second-signing-key-abcdefghij";

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    /** Shaped like a deserialization gadget: it records whether anybody ever deserialized it. */
    public static final class Gadget implements Serializable {
        static final AtomicBoolean DESERIALIZED = new AtomicBoolean();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            DESERIALIZED.set(true);
        }
    }

    @BeforeEach
    void resetGadget() {
        Gadget.DESERIALIZED.set(false);
    }

    private ReplicatedSessionStore signed(String keys) {
        return stores.start(cluster.nodesString(), c -> {
            c.setRedundancy(2);
            c.setSigningKeys(keys);
        });
    }

    @Test
    void signedValuesRoundTripAndCarryAMac() throws Exception {
        ReplicatedSessionStore store = signed(KEY_1);
        long revision = Revisions.next(0);
        store.save(record("s", revision));
        assertFound(store.load("s"), "s", revision);
        assertTrue(store.load("s").signed(), "a load says the copy it found was signed");
        io.mcsessions.testing.MemcachedNode replica = StoreFixture.replicasOf(cluster, store, "s").get(0);
        await("the replica holds the copy").atMost(Duration.ofSeconds(5))
                .until(() -> replica.get(StoreFixture.PREFIX + "s"), notNullValue());
        SessionEnvelope envelope = SessionEnvelope.decode(replica.get(StoreFixture.PREFIX + "s"));
        assertTrue(envelope.isSigned());
        assertEquals(32, envelope.mac().length);
        assertEquals(0, logs.count(Level.WARNING, "not signed"), logs.dump());
    }

    @Test
    void aPlantedGadgetWithoutAValidMacIsNeverDeserialized() throws Exception {
        byte[] gadget = new JavaSessionSerializer().serialize(Map.of("user", new Gadget()));
        long now = System.currentTimeMillis();
        byte[] planted = SessionEnvelope.session(Revisions.next(0), now, now, now, 1800, "attacker", gadget).encode();
        cluster.nodes().forEach(node -> node.set(StoreFixture.PREFIX + "victim", planted, 0));

        // Control: an unsigned store hands the payload out, and deserializing it runs the gadget.
        ReplicatedSessionStore unsigned = stores.start(cluster.nodesString(), 2);
        LoadResult taken = unsigned.load("victim");
        assertTrue(taken.isFound());
        assertFalse(taken.signed(), "an unsigned store vouches for nothing");
        new JavaSessionSerializer().deserialize(taken.record().payload(), getClass().getClassLoader());
        assertTrue(Gadget.DESERIALIZED.getAndSet(false), "the control shows the gadget works");

        ReplicatedSessionStore store = signed(KEY_1);
        for (int i = 0; i < 10; i++) {
            assertEquals(LoadResult.Outcome.ABSENT, store.load("victim").outcome());
        }
        assertFalse(Gadget.DESERIALIZED.get());
        assertEquals(1, logs.count(Level.WARNING, "holds a value for session victim… without a valid signature "
                + "(unsigned)"), logs.dump());
        assertTrue(store.stats().count(Counter.SIGNATURE_REJECTED) >= 10);
    }

    @Test
    void aValueSignedWithAnUnknownKeyOrMovedToAnotherSessionIsRejected() {
        ReplicatedSessionStore other = signed(KEY_2);
        other.save(record("theirs", Revisions.next(0)));
        ReplicatedSessionStore store = signed(KEY_1);
        // Signed with a key this instance lacks: not an answer (an instance with that key may be right), never FOUND.
        assertEquals(LoadResult.Outcome.UNAVAILABLE, store.load("theirs").outcome());

        long revision = Revisions.next(0);
        store.save(record("mine", revision));
        // save returns once every replica answered: a node holds the copy, taken raw.
        byte[] copy = cluster.nodes().stream().map(node -> node.get(StoreFixture.PREFIX + "mine"))
                .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
        cluster.nodes().forEach(node -> node.set(StoreFixture.PREFIX + "stolen", copy, 0));
        assertEquals(LoadResult.Outcome.UNAVAILABLE, store.load("stolen").outcome(), "a MAC is bound to its session");
        assertFound(store.load("mine"), "mine", revision);
    }

    @Test
    void keysRotateTheFirstSignsAndEveryKeyVerifies() {
        ReplicatedSessionStore old = signed(KEY_1);
        long revision = Revisions.next(0);
        old.save(record("s", revision));
        ReplicatedSessionStore rotated = signed(KEY_2 + "," + KEY_1);
        assertFound(rotated.load("s"), "s", revision);
        long newer = Revisions.next(revision);
        rotated.save(record("s", newer));
        assertFound(signed(KEY_2).load("s"), "s", newer);
    }

    @Test
    void withoutKeysEachStoreStartWarnsOnceNamingTheSettingAndTheFix() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        for (int i = 0; i < 20; i++) {
            store.save(record("s" + i, Revisions.next(0)));
            store.load("s" + i);
        }
        assertEquals(1, logs.count(Level.WARNING, "/test - session values in memcached are not signed: anyone who "
                + "can write to a memcached node can plant a session"), logs.dump());
        assertEquals(1, logs.count(Level.WARNING, "Set signingKeys to the same secret of 16 or more characters on "
                + "every instance"), logs.dump());

        stores.start(cluster.nodesString(), 2);
        assertEquals(2, logs.count(Level.WARNING, "are not signed"), "one per store start: " + logs.dump());
        signed(KEY_1);
        assertEquals(2, logs.count(Level.WARNING, "are not signed"), "a signing store says nothing: " + logs.dump());
    }

    @Test
    void shortKeysFailTheStart() {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes(cluster.nodesString());
        config.setSigningKeys(KEY_1 + ",short");
        ConfigurationException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigurationException.class,
                config::validate);
        assertEquals("signingKeys must each be at least 16 characters, but key 2 has 5", e.getMessage());
    }

    /**
     * Issue 13.4: a signed copy captured from a node and set back later, on every node and with no expiry, must not
     * bring the session back once its life (last access plus timeout, inside the signed bytes) is over: not after
     * a logout, not as an older revision.
     */
    @Test
    void aCapturedSignedCopySetBackAfterItsLifeIsIgnored() throws Exception {
        ReplicatedSessionStore store = signed(KEY_1);
        long now = System.currentTimeMillis();
        long revision = Revisions.next(0);
        store.save(new SessionRecord("replayed", revision, now, now, 1, StoreFixture.payload(revision)));
        byte[] captured = await("a node holds the copy").atMost(Duration.ofSeconds(2)).until(() -> cluster.nodes()
                .stream().map(n -> n.get(StoreFixture.PREFIX + "replayed")).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null), notNullValue());
        assertEquals(SaveResult.Outcome.STORED, store.invalidate("replayed", revision, 1).outcome());

        Thread.sleep(2_500); // past its one-second life and the clock slack
        cluster.nodes().forEach(n -> n.set(StoreFixture.PREFIX + "replayed", captured, 0));

        LoadResult loaded = store.load("replayed");
        assertEquals(LoadResult.Outcome.ABSENT, loaded.outcome(), "the replayed copy came back: " + loaded);
    }
}
