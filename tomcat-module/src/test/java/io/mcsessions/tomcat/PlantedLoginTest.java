package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.LoadResult;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.Revisions;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.StoreConfig;
import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.apache.catalina.Context;
import org.apache.catalina.authenticator.BasicAuthenticator;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.realm.GenericPrincipal;
import org.apache.catalina.realm.NullRealm;
import org.apache.tomcat.util.descriptor.web.LoginConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whoever can write to memcached can plant a session whose stored login (Tomcat's {@code GenericPrincipal}) has any
 * role. Tomcat's authenticator takes the login of a session it finds as the request's, so a login is restored only
 * from a value signed with {@code signingKeys}, unless {@code trustUnsignedPrincipal} says otherwise.
 */
class PlantedLoginTest {
    private static final String KEY = "the-shared-signing-key-0123456789";

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    @Test
    void aPlantedAdminLoginIsNotRestoredFromAnUnsignedValue() throws Exception {
        try (EmbeddedTomcat tomcat = start(m -> { })) {
            SessionClient client = new SessionClient();
            assertEquals("1", client.get(tomcat, "/count"));
            assertEquals("false", client.get(tomcat, "/role?name=admin"));

            plantAdminLogin(tomcat, client.sessionId(), null);

            assertEquals("false", client.get(tomcat, "/role?name=admin"), "the planted login was restored");
            assertEquals("none", client.get(tomcat, "/user"));
            assertEquals("2", client.get(tomcat, "/count"), "the rest of the planted session still loads");
            assertEquals(1, logs.count(Level.WARNING, "the login it carries is not restored"), logs.dump());

            plantAdminLogin(tomcat, client.sessionId(), null);
            assertEquals("false", client.get(tomcat, "/role?name=admin"), "the planted login was restored");
            assertEquals(1, logs.count(Level.WARNING, "the login it carries is not restored"), "one warning per "
                    + "state, the rest at DEBUG: " + logs.dump());
            assertEquals(1, logs.count(Level.FINE, "the login it carries is not restored"), logs.dump());
        }
    }

    @Test
    void withTrustUnsignedPrincipalTheLoginOfAnUnsignedValueIsRestored() throws Exception {
        try (EmbeddedTomcat tomcat = start(m -> m.setTrustUnsignedPrincipal(true))) {
            SessionClient client = new SessionClient();
            assertEquals("1", client.get(tomcat, "/count"));

            plantAdminLogin(tomcat, client.sessionId(), null);

            assertEquals("true", client.get(tomcat, "/role?name=admin"), "what the setting allows, and its risk");
            assertEquals("mallory", client.get(tomcat, "/user"));
            assertEquals(0, logs.count(Level.WARNING, "the login it carries is not restored"), logs.dump());
        }
    }

    @Test
    void theLoginOfASignedValueIsRestored() throws Exception {
        try (EmbeddedTomcat tomcat = start(m -> m.setSigningKeys(KEY))) {
            SessionClient client = new SessionClient();
            assertEquals("1", client.get(tomcat, "/count"));

            plantAdminLogin(tomcat, client.sessionId(), KEY); // only a holder of the key can do this: a peer

            assertEquals("true", client.get(tomcat, "/role?name=admin"), "a peer's login moves with the session");
            assertEquals("mallory", client.get(tomcat, "/user"));
            assertEquals(0, logs.count(Level.WARNING, "the login it carries is not restored"), logs.dump());
        }
    }

    private static EmbeddedTomcat start(Consumer<MemcachedSessionManager> settings) throws Exception {
        return EmbeddedTomcat.with()
                .memcached(m -> {
                    m.setMemcachedNodes(cluster.nodesString());
                    m.setOperationTimeout(500);
                    m.setDeserializationFilter("webapp.only.**;java.**;!*"); // strict, and no help here
                    settings.accept(m);
                })
                .customize(PlantedLoginTest::withLogins)
                .start();
    }

    /** What a web application with a login configuration gets: a realm, and an authenticator that caches logins. */
    private static void withLogins(Context context) {
        context.setRealm(new NullRealm());
        context.setLoginConfig(new LoginConfig("BASIC", "test", null, null));
        context.getPipeline().addValve(new BasicAuthenticator());
    }

    /**
     * Writes, under the session's key and above its revision, the session as it is with a login added: user
     * mallory, role admin. Signed with {@code signingKey} when one is given, as a Tomcat holding it would.
     */
    private static void plantAdminLogin(EmbeddedTomcat tomcat, String id, String signingKey) throws Exception {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes(cluster.nodesString());
        config.setRedundancy(3);
        config.setStorageKeyPrefix(tomcat.manager().store().config().getStorageKeyPrefix());
        config.setSigningKeys(signingKey);
        config.setStoreName("attacker");
        try (ReplicatedSessionStore direct = ReplicatedSessionStore.start(config)) {
            LoadResult stored = direct.load(id);
            assertTrue(stored.isFound(), stored::toString);
            SessionCodec codec = new SessionCodec(new io.mcsessions.core.JavaSessionSerializer(), null);
            SessionPayload current = codec.decode(stored.record().payload(), tomcat.manager().webappClassLoader(),
                    stored.signed());
            MemcachedSessionManager offline = new MemcachedSessionManager();
            offline.setContext(new StandardContext()); // not started: only what setAttribute consults
            MemcachedSession planted = new MemcachedSession(offline);
            planted.setValid(true);
            current.attributes().forEach((name, value) -> planted.setAttribute(name, value, false));
            planted.setAuthType("BASIC");
            planted.setPrincipal(new GenericPrincipal("mallory", List.of("admin")));
            SessionRecord record = stored.record();
            assertTrue(direct.save(new SessionRecord(id, Revisions.next(record.revision()), record.creationTime(),
                    record.lastAccessedTime(), record.maxInactiveSeconds(), codec.encode(planted).bytes())).isStored());
        }
    }
}
