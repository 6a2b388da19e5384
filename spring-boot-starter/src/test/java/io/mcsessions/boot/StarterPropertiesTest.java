package io.mcsessions.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.jetty.MemcachedSessionDataStoreFactory;
import io.mcsessions.tomcat.MemcachedManagerAttributes;
import io.mcsessions.tomcat.MemcachedSessionManager;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jetty.session.AbstractSessionDataStoreFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.util.unit.DataSize;

/**
 * Every setting of both adapters has an mcsessions.* property, in the generated metadata IDEs complete from. Runs
 * once, where both adapters are on the class path (the starter's Boot 3.5 Tomcat run).
 */
@EnabledIfSystemProperty(named = "mcsessions.bothAdapters", matches = "true")
class StarterPropertiesTest {
    /** memcached-session-manager attributes the Tomcat manager accepts and ignores, with a warning naming each. */
    private static final Set<String> MSM_ONLY = Set.of("failoverNodes", "memcachedProtocol", "transcoderFactoryClass",
            "copyCollectionsForSerialization", "customConverter", "enableStatistics", "enabled", "backupThreadCount",
            "sessionBackupTimeout");

    @Test
    void everyAdapterSettingHasAProperty() throws IOException {
        Set<String> properties = metadataProperties();
        Set<String> settings = new TreeSet<>(setters(MemcachedSessionManager.class));
        settings.addAll(setters(MemcachedManagerAttributes.class)); // the context.xml attributes live there
        settings.removeAll(MSM_ONLY);
        settings.remove("property"); // Tomcat's digester hook, not a setting
        settings.addAll(setters(MemcachedSessionDataStoreFactory.class));
        settings.addAll(setters(AbstractSessionDataStoreFactory.class));

        Set<String> missing = settings.stream().map(StarterPropertiesTest::kebab)
                .filter(name -> !properties.contains("mcsessions." + name)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), missing, "adapter settings without an mcsessions.* property");
        Set<String> orphans = properties.stream().filter(p -> !settings.stream().map(StarterPropertiesTest::kebab)
                .map(s -> "mcsessions." + s).toList().contains(p)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), orphans, "mcsessions.* properties that no adapter has");
    }

    @Test
    void everyPropertyReachesTheJettyFactory() {
        McsessionsProperties p = new McsessionsProperties();
        p.setMemcachedNodes("n1:127.0.0.1:11211 n2:127.0.0.1:11212");
        p.setRedundancy(1);
        p.setOperationTimeout(Duration.ofMillis(300));
        p.setRetryInterval(Duration.ofSeconds(3));
        p.setStorageKeyPrefix("shop:");
        p.setSessionBackupAsync(true);
        p.setMaxValueSize(DataSize.ofMegabytes(2));
        p.setDeserializationFilter("com.shop.**;java.base/*;!*");
        p.setWriterId("jetty-1");
        p.setMaxLocalCopies(5);
        p.setLogToSlf4j(false);
        p.setSavePeriodSec(7);
        p.setGracePeriodSec(9);

        MemcachedSessionDataStoreFactory f = JettySessionStores.newStoreFactory(p);

        assertEquals("n1:127.0.0.1:11211 n2:127.0.0.1:11212", f.getMemcachedNodes());
        assertEquals(1, f.getRedundancy());
        assertEquals(300, f.getOperationTimeout());
        assertEquals(3000, f.getRetryInterval());
        assertEquals("shop:", f.getStorageKeyPrefix());
        assertTrue(f.isSessionBackupAsync());
        assertEquals(2 * 1024 * 1024, f.getMaxValueSize());
        assertEquals("com.shop.**;java.base/*;!*", f.getDeserializationFilter());
        assertEquals("jetty-1", f.getWriterId());
        assertEquals(5, f.getMaxLocalCopies());
        assertEquals(false, f.isLogToSlf4j());
        assertEquals(7, f.getSavePeriodSec());
        assertEquals(9, f.getGracePeriodSec());
    }

    private static Set<String> setters(Class<?> type) {
        return Arrays.stream(type.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && m.getParameterCount() == 1)
                .map(Method::getName).filter(n -> n.startsWith("set") && n.length() > 3)
                .map(n -> Character.toLowerCase(n.charAt(3)) + n.substring(4)).collect(Collectors.toSet());
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static Set<String> metadataProperties() throws IOException {
        try (InputStream in = StarterPropertiesTest.class.getResourceAsStream(
                "/META-INF/spring-configuration-metadata.json")) {
            String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher names = Pattern.compile("\"name\"\\s*:\\s*\"(mcsessions\\.[^\"]+)\"").matcher(json);
            return Stream.iterate(names.find(), found -> found, found -> names.find()).map(found -> names.group(1))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
