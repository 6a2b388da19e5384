package io.mcsessions.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.StorageKeyPrefixes;
import org.junit.jupiter.api.Test;

/** The key prefix each Jetty context gets: core's derivation applied to Jetty's context name. */
class StorageKeysTest {

    private static String prefix(String base, String canonicalContextPath, String vhost) {
        return StorageKeyPrefixes.forContext(base, MemcachedSessionDataStore.contextName(canonicalContextPath, vhost));
    }

    @Test
    void prefixNamesTheContextAndVirtualHost() {
        assertEquals("mcs:_shop_0.0.0.0:", prefix("mcs:", "_shop", "0.0.0.0"));
        assertEquals("mcs:_0.0.0.0:", prefix("mcs:", "", "0.0.0.0"));
    }

    @Test
    void contextsNeverShareKeys() {
        assertNotEquals(prefix("mcs:", "_shop", "0.0.0.0"), prefix("mcs:", "_other", "0.0.0.0"));
        assertNotEquals(prefix("mcs:", "_shop", "a.example"), prefix("mcs:", "_shop", "b.example"));
    }

    @Test
    void unusualOrLongContextsBecomeAShortHash() {
        String accented = prefix("mcs:", "_café", "0.0.0.0");
        String spaced = prefix("mcs:", "_my shop", "0.0.0.0");
        String longPath = prefix("mcs:", "_" + "x".repeat(200), "0.0.0.0");

        for (String prefix : new String[] {accented, spaced, longPath}) {
            assertTrue(prefix.matches("mcs:~[0-9a-f]{16}:"), prefix);
        }
        assertNotEquals(accented, spaced);
    }
}
