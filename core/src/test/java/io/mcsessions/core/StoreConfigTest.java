package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StoreConfigTest {

    private static StoreConfig nodes(String nodes) {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes(nodes);
        return config;
    }

    private static String failure(StoreConfig config) {
        return assertThrows(ConfigurationException.class, config::validate).getMessage();
    }

    private static String failure(Consumer<StoreConfig> setting) {
        StoreConfig config = nodes("n1:localhost:11211,n2:localhost:11212,n3:localhost:11213");
        setting.accept(config);
        return failure(config);
    }

    @Test
    void parsesMsmSyntaxWithIds() {
        StoreConfig config = nodes("n1:10.0.0.1:11211,n2:10.0.0.2:11212").validate();
        assertEquals(List.of(new NodeAddress("n1", "10.0.0.1", 11211), new NodeAddress("n2", "10.0.0.2", 11212)),
                config.getNodes());
        assertEquals(2, config.getRedundancy());
    }

    @Test
    void parsesHostPortWithoutIdsAndSpaceSeparators() {
        StoreConfig config = nodes("  cache-a.example:11211   cache-b.example:11212 ").validate();
        assertEquals(List.of(new NodeAddress("cache-a.example:11211", "cache-a.example", 11211),
                new NodeAddress("cache-b.example:11212", "cache-b.example", 11212)), config.getNodes());
    }

    @Test
    void parsesBracketedIpv6() {
        StoreConfig config = nodes("n1:[::1]:11211").validate();
        assertEquals(new NodeAddress("n1", "::1", 11211), config.getNodes().get(0));
        assertEquals("[::1]:11211", config.getNodes().get(0).address());
    }

    @Test
    void redundancyDefaultsToTwoOrTheNodeCount() {
        assertEquals(1, nodes("n1:localhost:1").validate().getRedundancy());
        assertEquals(2, nodes("n1:localhost:1,n2:localhost:2,n3:localhost:3").validate().getRedundancy());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''                                  | memcachedNodes must name at least one node",
            "'   '                               | memcachedNodes must name at least one node",
            "n1:localhost                        | memcachedNodes ports must be between 1 and 65535, but was 'localhost' in 'n1:localhost'",
            "n1:localhost:0                      | memcachedNodes ports must be between 1 and 65535, but was '0'",
            "n1:localhost:70000                  | memcachedNodes ports must be between 1 and 65535, but was '70000'",
            "n1:localhost:port                   | memcachedNodes ports must be between 1 and 65535, but was 'port'",
            "n1:bad%host:11211                   | memcachedNodes hosts must be a host name or an IP address, but was 'bad%host'",
            "n1:a:1:2:3                          | memcachedNodes entries must be id:host:port or host:port, but was 'n1:a:1:2:3'",
            "n1:h1:11211,n1:h2:11211             | memcachedNodes must not repeat a node id, but id 'n1' appears twice",
            "n1:h1:11211,n2:h1:11211             | memcachedNodes must not repeat an address, but h1:11211 appears twice",
            "n/1:h1:11211                        | memcachedNodes node ids must be 1-64 letters, digits",
    })
    void badNodesFailNamingTheSettingTheRuleAndTheValue(String value, String expected) {
        String message = failure(nodes(value));
        assertTrue(message.startsWith(expected) || message.contains(expected), message);
    }

    @Test
    void missingNodesFailNamingTheSetting() {
        assertEquals("memcachedNodes must name at least one node as id:host:port (e.g. n1:10.0.0.1:11211,"
                + "n2:10.0.0.2:11211), but was <not set>", failure(new StoreConfig()));
    }

    @Test
    void redundancyZeroOrAboveTheNodeCountFails() {
        assertEquals("redundancy must be between 1 and the number of nodes (3), but was 0",
                failure(c -> c.setRedundancy(0)));
        assertEquals("redundancy must be between 1 and the number of nodes (3), but was 4",
                failure(c -> c.setRedundancy(4)));
        assertEquals("redundancy must be between 1 and the number of nodes (3), but was -1",
                failure(c -> c.setRedundancy(-1)));
    }

    @Test
    void negativeOrZeroTimeoutsFail() {
        assertEquals("operationTimeout must be a positive number of milliseconds, but was -5",
                failure(c -> c.setOperationTimeout(-5)));
        assertEquals("operationTimeout must be a positive number of milliseconds, but was 0",
                failure(c -> c.setOperationTimeout(0)));
        assertEquals("retryInterval must be a positive number of milliseconds, but was -1",
                failure(c -> c.setRetryInterval(-1)));
    }

    @Test
    void otherBadValuesFailNamingTheSetting() {
        assertTrue(failure(c -> c.setStorageKeyPrefix("has space")).startsWith(
                "storageKeyPrefix must be at most 100 printable ASCII characters without spaces, but was 'has space'"));
        assertTrue(failure(c -> c.setLockingMode("sometimes")).startsWith(
                "lockingMode must be none, all or uriPattern:<regex>, but was 'sometimes'"));
        assertTrue(failure(c -> c.setLockingMode("uriPattern:(")).startsWith(
                "lockingMode must be a valid regular expression, but was '('"));
        assertTrue(failure(c -> c.setRequestUriIgnorePattern("*.png")).startsWith(
                "requestUriIgnorePattern must be a valid regular expression, but was '*.png'"));
        assertEquals("maxValueSize must be at least 1024 bytes, but was 10", failure(c -> c.setMaxValueSize(10)));
        assertEquals("username and password must be set together, but only username was set",
                failure(c -> c.setUsername("app")));
    }

    @Test
    void serializerAndSessionAttributeFilterAreCheckedAtStart() {
        assertEquals("serializer must be java or kryo, but was 'xml'", failure(c -> c.setSerializer("xml")));
        assertTrue(failure(c -> c.setSessionAttributeFilter("(cart")).startsWith(
                "sessionAttributeFilter must be a valid regular expression, but was '(cart'"));

        StoreConfig kryo = nodes("localhost:11211");
        kryo.setSerializer(" Kryo ");
        kryo.setSessionAttributeFilter("cart|user");
        kryo.validate();
        assertEquals(StoreConfig.KRYO_SERIALIZER, kryo.getSerializer());
        assertTrue(SessionSerializer.forConfig(kryo) instanceof KryoSessionSerializer);
        assertTrue(kryo.storesAttribute("cart"));
        assertTrue(!kryo.storesAttribute("cartTotal"), "the whole name must match, as in msm");

        StoreConfig defaults = nodes("localhost:11211").validate();
        assertEquals(StoreConfig.JAVA_SERIALIZER, defaults.getSerializer());
        assertTrue(SessionSerializer.forConfig(defaults) instanceof JavaSessionSerializer);
        assertTrue(defaults.storesAttribute("anything"));
    }

    @Test
    void lockingModesParse() {
        StoreConfig all = nodes("n1:h:1");
        all.setLockingMode("all");
        assertEquals(StoreConfig.Locking.ALL, all.validate().getLocking());
        StoreConfig pattern = nodes("n1:h:1");
        pattern.setLockingMode("uriPattern:/cart/.*");
        assertEquals(StoreConfig.Locking.URI_PATTERN, pattern.validate().getLocking());
        assertTrue(pattern.getLockingUriPattern().matcher("/cart/add").matches());
        assertEquals(StoreConfig.Locking.NONE, nodes("n1:h:1").validate().getLocking());
    }

    @Test
    void aSigningKeyThatIsAnUnreplacedPropertyFailsTheStart() {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes("n1:localhost:11211");
        config.setSigningKeys("${mcsessions.signingKeys}"); // Tomcat leaves an undefined ${...} as it is
        ConfigurationException e = assertThrows(ConfigurationException.class, config::validate);
        assertEquals("signingKeys must be secrets, but key 1 is the property reference ${mcsessions.signingKeys} that "
                + "nothing replaced: define the property (e.g. in Tomcat's conf/catalina.properties)", e.getMessage());
    }

    @Test
    void aValidatedConfigurationIsSealed() {
        StoreConfig config = nodes("n1:h:1").validate();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> config.setRedundancy(1));
        assertTrue(e.getMessage().contains("sealed"), e.getMessage());
    }
}
