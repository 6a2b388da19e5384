package io.mcsessions.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StorageKeysTest {

    @Test
    void prefixNamesTheContextAndVirtualHost() {
        assertEquals("mcs:_shop_0.0.0.0:", StorageKeys.prefix("mcs:", "_shop", "0.0.0.0"));
        assertEquals("mcs:_0.0.0.0:", StorageKeys.prefix("mcs:", "", "0.0.0.0"));
    }

    @Test
    void contextsNeverShareKeys() {
        assertNotEquals(StorageKeys.prefix("mcs:", "_shop", "0.0.0.0"), StorageKeys.prefix("mcs:", "_other", "0.0.0.0"));
        assertNotEquals(StorageKeys.prefix("mcs:", "_shop", "a.example"), StorageKeys.prefix("mcs:", "_shop", "b.example"));
    }

    @Test
    void unusualOrLongContextsBecomeAShortHash() {
        String accented = StorageKeys.prefix("mcs:", "_café", "0.0.0.0");
        String spaced = StorageKeys.prefix("mcs:", "_my shop", "0.0.0.0");
        String longPath = StorageKeys.prefix("mcs:", "_" + "x".repeat(200), "0.0.0.0");

        for (String prefix : new String[] {accented, spaced, longPath}) {
            assertTrue(prefix.matches("mcs:~[0-9a-f]{16}:"), prefix);
        }
        assertNotEquals(accented, spaced);
    }
}
