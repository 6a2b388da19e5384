package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.StoreConfig;
import io.mcsessions.testing.LogCapture;
import io.mcsessions.testing.MemcachedCluster;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Manager element as a user writes it in {@code META-INF/context.xml}, read by Tomcat's own digester: bad
 * values fail the context start with a message naming the attribute, the rule and the value; msm attributes we do
 * not support are accepted and named in one warning each.
 */
class ConfigurationTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);
    /** The manager's own lines (core's node warnings, possible on a loaded machine, are not what is tested here). */
    @RegisterExtension
    final LogCapture ours = LogCapture.forLogger("io.mcsessions.tomcat");
    @RegisterExtension
    final LogCapture tomcatContext = LogCapture.forLogger("org.apache.catalina.core.StandardContext");

    private static String contextXml(String attributes) {
        return "<Context><Manager className=\"io.mcsessions.tomcat.MemcachedSessionManager\" " + attributes
                + "/></Context>";
    }

    private static String nodes() {
        return "memcachedNodes=\"" + cluster.nodesString() + "\" ";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "redundancy=\"4\"                |redundancy must be between 1 and the number of nodes (3), but was 4",
        "operationTimeout=\"-5\"         |operationTimeout must be a positive number of milliseconds, but was -5",
        "retryInterval=\"0\"             |retryInterval must be a positive number of milliseconds, but was 0",
        "lockingMode=\"sometimes\"       |lockingMode must be none, all or uriPattern:<regex>, but was 'sometimes'",
        "requestUriIgnorePattern=\"*.png\"|requestUriIgnorePattern must be a valid regular expression, but was '*.png'",
        "lockWaitTimeout=\"0\"           |lockWaitTimeout must be a positive number of milliseconds, but was 0",
        "redundancy=\"two\"              |redundancy must be a whole number, but was 'two'",
        "operationTimeout=\"300ms\"      |operationTimeout must be a whole number of milliseconds, but was '300ms'",
        "username=\"shop\"               |username and password must be set together, but only username was set",
        "signingKeys=\"short\"           |signingKeys must each be at least 16 characters, but key 1 has 5",
        "serializer=\"xml\"              |serializer must be java or kryo, but was 'xml'",
        "sessionAttributeFilter=\"(cart\"|sessionAttributeFilter must be a valid regular expression, but was '(cart'",
    })
    void badValueFailsTheContextStartNamingAttributeRuleAndValue(String attribute, String message) throws Exception {
        assertStartFails(contextXml(nodes() + attribute), message);
    }

    @Test
    void emptyMemcachedNodesFailsTheContextStart() throws Exception {
        assertStartFails(contextXml("memcachedNodes=\"\""), "memcachedNodes must name at least one node as "
                + "id:host:port (e.g. n1:10.0.0.1:11211,n2:10.0.0.2:11211), but was ''");
    }

    @Test
    void missingMemcachedNodesFailsTheContextStart() throws Exception {
        assertStartFails(contextXml("redundancy=\"1\""), "memcachedNodes must name at least one node as "
                + "id:host:port (e.g. n1:10.0.0.1:11211,n2:10.0.0.2:11211), but was <not set>");
    }

    private void assertStartFails(String xml, String message) throws Exception {
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.with().contextXml(xml).start()) {
            assertFalse(tomcat.context().getState().isAvailable(), "the context started: " + tomcat.context().getState());
            String expected = "/app - invalid MemcachedSessionManager configuration: " + message;
            List<LogRecord> failures = tomcatContext.at(Level.SEVERE).stream()
                    .filter(r -> causeMessages(r.getThrown()).contains(expected)).toList();
            assertEquals(1, failures.size(), "no SEVERE from Tomcat carrying \"" + expected + "\":\n"
                    + tomcatContext.dump());
            assertEquals(404, new SessionClient().get(tomcat.url("/count")).statusCode());
        }
    }

    private static String causeMessages(Throwable thrown) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void everyAttributeInContextXmlReachesTheStore() throws Exception {
        String xml = contextXml(nodes() + "redundancy=\"3\" sticky=\"true\" operationTimeout=\"250\" "
                + "retryInterval=\"750\" storageKeyPrefix=\"static:shop,context\" requestUriIgnorePattern=\".*\\.png\" "
                + "lockingMode=\"uriPattern:/cart.*\" sessionBackupAsync=\"true\" maxValueSize=\"4096\" "
                + "signingKeys=\"first-signing-key-0123456789\" deserializationFilter=\"webapp.only.**;java.**;!*\" "
                + "trustUnsignedPrincipal=\"true\" maxLocalCopies=\"50\"");
        // With a jvmRoute, as sticky setups should have (without one, sticky is warned about at start).
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.with().jvmRoute("r").contextXml(xml).start()) {
            assertTrue(tomcat.context().getState().isAvailable());
            StoreConfig config = tomcat.manager().store().config();
            assertEquals(3, config.getRedundancy());
            assertTrue(config.isSticky());
            assertEquals(250, config.getOperationTimeout());
            assertEquals(750, config.getRetryInterval());
            assertEquals("shop_/app_", config.getStorageKeyPrefix());
            assertEquals(".*\\.png", config.getRequestUriIgnore().pattern());
            assertEquals(StoreConfig.Locking.URI_PATTERN, config.getLocking());
            assertTrue(config.isSessionBackupAsync());
            assertEquals(4096, config.getMaxValueSize());
            assertEquals(List.of("first-signing-key-0123456789"), config.getSigningKeyList());
            assertEquals("webapp.only.**;java.**;!*", config.getDeserializationFilter());
            assertTrue(tomcat.manager().isTrustUnsignedPrincipal());
            assertEquals("1", new SessionClient().get(tomcat, "/count"));
            assertTrue(ours.at(Level.WARNING).isEmpty(), ours.dump());
        }
    }

    @Test
    void unsupportedMsmAttributesStartTheContextAndAreNamedInOneWarningEach() throws Exception {
        String xml = contextXml(nodes() + "failoverNodes=\"n3\" "
                + "transcoderFactoryClass=\"de.javakaffee.web.msm.serializer.javolution.JavolutionTranscoderFactory\" "
                + "lockingMode=\"auto\"");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.with().contextXml(xml).start()) {
            assertTrue(tomcat.context().getState().isAvailable());
            assertEquals("1", new SessionClient().get(tomcat, "/count"));
            List<String> warnings = ours.messages(Level.WARNING);
            assertEquals(3, warnings.size(), ours.dump());
            assertEquals(1, ours.count(Level.WARNING, "msm attribute failoverNodes=\"n3\" is not supported by "
                    + "mcsessions and is ignored: every node in memcachedNodes is a replica here"), ours.dump());
            assertEquals(1, ours.count(Level.WARNING, "msm attribute transcoderFactoryClass=\"de.javakaffee.web.msm."
                    + "serializer.javolution.JavolutionTranscoderFactory\" is not supported by mcsessions and is "
                    + "ignored: sessions are serialized with Java serialization"), ours.dump());
            assertEquals(1, ours.count(Level.WARNING, "lockingMode=\"auto\" (msm) is not supported"), ours.dump());
            assertTrue(warnings.stream().allMatch(w -> w.startsWith("/app - ")), ours.dump());
        }
    }

    @Test
    void msmsKryoTranscoderIsReadAsSerializerKryo() throws Exception {
        String xml = contextXml(nodes()
                + "transcoderFactoryClass=\"de.javakaffee.web.msm.serializer.kryo.KryoTranscoderFactory\"");
        try (EmbeddedTomcat tomcat = EmbeddedTomcat.with().contextXml(xml).start()) {
            assertEquals(StoreConfig.KRYO_SERIALIZER, tomcat.manager().store().config().getSerializer());
            assertEquals("1", new SessionClient().get(tomcat, "/count"));
            assertTrue(ours.at(Level.WARNING).isEmpty(), ours.dump());
            assertEquals(1, ours.count(Level.INFO, "transcoderFactoryClass=\"de.javakaffee.web.msm.serializer.kryo."
                    + "KryoTranscoderFactory\" is read as serializer=\"kryo\""), ours.dump());
        }
    }
}
