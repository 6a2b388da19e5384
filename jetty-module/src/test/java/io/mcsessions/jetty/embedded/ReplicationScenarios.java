package io.mcsessions.jetty.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.LoadResult;
import io.mcsessions.core.ReplicaInfo;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.Revisions;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.SessionSerializer;
import io.mcsessions.core.StoreConfig;
import io.mcsessions.jetty.MemcachedSessionDataStoreFactory;
import io.mcsessions.jetty.StoredSessions;
import io.mcsessions.testing.MemcachedNode;
import io.mcsessions.testing.SerializationBombs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

/**
 * Sessions are written to N nodes, read back newest-first by any instance with the webapp's class loader, and are
 * passivated around each write; bad values under a session key cost the session, never the request.
 */
public abstract class ReplicationScenarios extends EmbeddedJettyTest {

    @Test
    void sessionIsWrittenToTwoOfThreeNodes() throws Exception {
        JettyInstance jetty = start("a");

        for (int expected = 1; expected <= 3; expected++) {
            assertEquals(expected, browser.count(on(jetty)));
        }

        assertNotNull(browser.sessionId());
        assertEquals(2, copies(jetty, 2).size(), "nodes holding " + sessionKey(jetty));
    }

    @Test
    void storedSessionHoldsEverythingJettyNeeds() throws Exception {
        JettyInstance a = start("a");
        long before = System.currentTimeMillis();
        assertEquals(200, browser.ask(a.uri("action=timeout&seconds=120")).status());
        String id = browser.sessionId();

        StoredSessions.Metadata stored;
        try (ReplicatedSessionStore direct = directStore(a)) {
            LoadResult loaded = direct.load(id);
            assertTrue(loaded.isFound(), loaded::toString);
            stored = StoredSessions.read(loaded.record().payload());
        }

        assertEquals(id, stored.id());
        assertEquals("_counter", stored.contextPath());
        assertEquals("0.0.0.0", stored.vhost());
        assertEquals("a", stored.lastNode());
        assertTrue(stored.created() >= before && stored.accessed() >= stored.created(), stored::toString);
        assertEquals(120_000, stored.maxInactiveMs());
        assertTrue(stored.expiry() >= stored.accessed() + 120_000, stored::toString);
        assertTrue(stored.lastSaved() >= before, "lastSaved is stored: " + stored);
        assertTrue(stored.attributesLength() > 0, stored::toString);
    }

    @Test
    void kryoSessionsAreSharedAndAttributesTheFilterDoesNotNameStayLocal() throws Exception {
        JettyInstance a = started(jetty("a").start(kryo()));
        JettyInstance b = started(jetty("b").start(kryo()));

        for (int expected = 1; expected <= 6; expected++) {
            assertEquals(expected, browser.count(on(expected % 2 == 1 ? a : b)));
        }
        CounterBrowser.Answer answer = browser.ask(b.uri("action=unserializable")); // sets "local-only"
        assertEquals("7", answer.values().get("count"), answer::toString);
        assertEquals("webapp", answer.values().get("loader"), "Kryo read the webapp's class with its loader");
        CounterBrowser.Answer elsewhere = browser.ask(a.uri("action=read"));
        assertEquals("7", elsewhere.values().get("count"), elsewhere::toString);
        assertEquals("false", elsewhere.values().get("localOnly"), "sessionAttributeFilter=counter keeps it out");

        try (ReplicatedSessionStore direct = directStore(a)) {
            byte[] payload = direct.load(browser.sessionId()).record().payload();
            StoredSessions.Metadata stored = StoredSessions.read(payload);
            int offset = payload.length - stored.attributesLength();
            assertEquals(StoreConfig.KRYO_SERIALIZER,
                    SessionSerializer.formatOf(payload, offset, stored.attributesLength()));
        }
        assertTrue(logs.messages(Level.WARNING).stream().allMatch(m -> m.contains("are not signed")), logs.dump());
    }

    private MemcachedSessionDataStoreFactory kryo() {
        MemcachedSessionDataStoreFactory factory = sessions();
        factory.setSerializer("kryo");
        factory.setSessionAttributeFilter("counter");
        return factory;
    }

    @Test
    void nonStickyRequestsReadTheNewestCopyOnEveryInstance() throws Exception {
        JettyInstance a = start("a");
        JettyInstance b = start("b");

        for (int expected = 1; expected <= 10; expected++) {
            assertEquals(expected, browser.count(on(expected % 2 == 1 ? a : b)));
        }
    }

    @Test
    void stickySessionMovesToAnotherInstanceWhenItsInstanceStops() throws Exception {
        JettyInstance a = started(jetty("a").sticky(true).start(sessions()));
        JettyInstance b = started(jetty("b").sticky(true).start(sessions()));
        for (int expected = 1; expected <= 5; expected++) {
            assertEquals(expected, browser.count(on(a)));
        }

        a.close();

        assertEquals(6, browser.count(on(b)));
        assertEquals(7, browser.count(on(b)));
    }

    @Test
    void attributesAreToldBeforeEachWriteAndAfterEachLoad() throws Exception {
        JettyInstance a = start("a");
        JettyInstance b = start("b");
        browser.count(on(a));
        browser.count(on(b));

        CounterBrowser.Answer third = browser.ask(a.uri(""));

        int passivations = Integer.parseInt(third.values().get("passivations"));
        int activations = Integer.parseInt(third.values().get("activations"));
        assertTrue(passivations >= 2, third.body());
        assertTrue(activations >= 2, third.body());
    }

    @Test
    void unserializableAttributeStaysOnItsInstanceAndTheRestReplicates() throws Exception {
        JettyInstance a = start("a");
        JettyInstance b = start("b");

        CounterBrowser.Answer first = browser.ask(a.uri("action=unserializable"));
        CounterBrowser.Answer second = browser.ask(b.uri(""));

        assertEquals(200, first.status());
        assertEquals("true", first.values().get("localOnly"));
        assertEquals(200, second.status());
        assertEquals(2, second.count(), second.body());
        assertEquals("false", second.values().get("localOnly"), "the unserializable attribute is not replicated");
        assertEquals(1, logs.count(Level.WARNING, "'local-only' of class java.lang.Object cannot be serialized"),
                logs.dump());
    }

    @Test
    void garbageUnderTheSessionKeyIsAMissNotAnError() throws Exception {
        JettyInstance a = start("a");
        assertEquals(1, browser.count(on(a)));
        assertEquals(2, browser.count(on(a)));
        String key = sessionKey(a);

        for (MemcachedNode node : cluster.nodes()) {
            node.set(key, "garbage, not an mcsessions value".getBytes(StandardCharsets.US_ASCII), 0);
        }

        assertEquals(1, browser.count(on(a)), "the damaged session is dropped and a new one starts");
        assertTrue(logs.count(Level.WARNING, "holds an unreadable value") >= 1, logs.dump());
    }

    @Test
    void foreignValueUnderTheSessionKeyIsDroppedNotAnError() throws Exception {
        JettyInstance a = start("a");
        assertEquals(1, browser.count(on(a)));
        assertEquals(2, browser.count(on(a)));
        String id = browser.sessionId();

        try (ReplicatedSessionStore direct = directStore(a)) {
            byte[] foreign = "a session some other program wrote".getBytes(StandardCharsets.UTF_8);
            long newest = direct.inspect(id).stream().mapToLong(ReplicaInfo::revision).max().orElseThrow();
            long now = System.currentTimeMillis();
            assertTrue(direct.save(new SessionRecord(id, Revisions.next(newest), now, now, 60, foreign)).isStored());
        }

        assertEquals(1, browser.count(on(a)), "the unreadable session is dropped and a new one starts");
        assertTrue(logs.count(Level.WARNING, "cannot be read") >= 1, logs.dump());
    }

    @Test
    void invalidatedSessionNeverLoadsAgain() throws Exception {
        JettyInstance a = start("a");
        JettyInstance b = start("b");
        assertEquals(1, browser.count(on(a)));
        assertEquals(2, browser.count(on(b)));
        String invalidated = browser.sessionId();

        assertEquals("true", browser.ask(a.uri("action=invalidate")).values().get("invalidated"));

        assertEquals("none", browser.ask(b.uri("action=read")).values().get("session"));
        assertEquals("none", browser.ask(a.uri("action=read")).values().get("session"));
        try (ReplicatedSessionStore direct = directStore(a)) {
            List<ReplicaInfo> replicas = direct.inspect(invalidated);
            assertTrue(replicas.stream().noneMatch(r -> r.holding() == ReplicaInfo.Holding.COPY), replicas::toString);
        }
        assertEquals(1, browser.count(on(b)), "a new session starts");
        assertNotEquals(invalidated, browser.sessionId());
    }

    @Test
    void signedSessionsReplicateAndAnUnsignedValueIsNeverDeserialized() throws Exception {
        String keys = "a signing key of thirty-two chars";
        MemcachedSessionDataStoreFactory signedA = sessions();
        signedA.setSigningKeys(keys);
        MemcachedSessionDataStoreFactory signedB = sessions();
        signedB.setSigningKeys(keys);
        JettyInstance a = started(jetty("a").start(signedA));
        JettyInstance b = started(jetty("b").start(signedB));
        for (int expected = 1; expected <= 4; expected++) {
            assertEquals(expected, browser.count(on(expected % 2 == 1 ? a : b)));
        }
        String id = browser.sessionId();

        try (ReplicatedSessionStore unsigned = directStore(a)) {
            long newest = unsigned.inspect(id).stream().mapToLong(ReplicaInfo::revision).max().orElseThrow();
            byte[] planted = "whatever an attacker with access to memcached wrote".getBytes(StandardCharsets.UTF_8);
            long now = System.currentTimeMillis();
            assertTrue(unsigned.save(new SessionRecord(id, Revisions.next(newest), now, now, 60, planted)).isStored());
        }

        assertEquals(200, browser.ask(a.uri("")).status());
        assertTrue(logs.count(Level.WARNING, "without a valid signature (unsigned)") >= 1, logs.dump());
        assertEquals(0, logs.count(Level.WARNING, "cannot be read"), "the planted value never reached Jetty");
    }

    @Test
    void deserializationFilterDecidesWhichAttributeClassesLoad() throws Exception {
        MemcachedSessionDataStoreFactory strict = sessions();
        strict.setDeserializationFilter("java.base/*;!*"); // the webapp's SessionCounter is not allowed
        MemcachedSessionDataStoreFactory allowing = sessions();
        allowing.setDeserializationFilter("io.mcsessions.jetty.webapp.*;java.base/*;!*");
        JettyInstance refusing = started(jetty("a").start(strict));
        JettyInstance accepting = started(jetty("b").start(allowing));

        assertEquals(1, browser.count(on(accepting)));
        assertEquals(2, browser.count(on(accepting)));
        assertEquals(1, browser.count(on(refusing)), "the refused session is dropped and a new one starts");

        assertTrue(logs.count(Level.WARNING, "class io.mcsessions.jetty.webapp.SessionCounter is not allowed by "
                + "deserializationFilter") >= 1, logs.dump());
    }

    @Test
    void aDeserializationBombUnderTheSessionKeyCostsTheSessionNotTheServer() throws Exception {
        MemcachedSessionDataStoreFactory strict = sessions();
        strict.setDeserializationFilter("io.mcsessions.jetty.webapp.*;java.**;!*"); // lets the bomb's classes in
        JettyInstance a = started(jetty("a").start(strict));
        assertEquals(1, browser.count(on(a)));
        String id = browser.sessionId();

        try (ReplicatedSessionStore direct = directStore(a)) {
            LoadResult stored = direct.load(id);
            byte[] bomb = StoredSessions.withAttributes(stored.record().payload(),
                    Map.of("bomb", SerializationBombs.nestedHashSets(100)));
            long now = System.currentTimeMillis();
            SessionRecord planted = new SessionRecord(id, Revisions.next(stored.record().revision()), now, now, 60,
                    bomb);
            assertTrue(direct.save(planted).isStored());
        }

        int count = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> browser.count(on(a)),
                "reading the planted session did not end");
        assertEquals(1, count, "the planted session is dropped and a new one starts");
        assertTrue(logs.count(Level.WARNING, "cannot be read (an object expands to more than 1000000 objects")
                >= 1, logs.dump());
    }
}
