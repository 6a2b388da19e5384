package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StorageKeyPrefixesTest {

    @Test
    void plainNamesAreKeptAsTheyAre() {
        assertEquals("mcs:localhost/app:", StorageKeyPrefixes.forContext("mcs:", "localhost/app"));
        assertEquals("mcs:_shop_0.0.0.0:", StorageKeyPrefixes.forContext("mcs:", "_shop_0.0.0.0"));
    }

    @Test
    void namesThatAreNotPlainOrTooLongAreHashedSoTheyNeverCollide() {
        String longA = "localhost/" + "a".repeat(200) + "1";
        String longB = "localhost/" + "a".repeat(200) + "2";
        assertNotEquals(StorageKeyPrefixes.forContext("mcs:", longA), StorageKeyPrefixes.forContext("mcs:", longB),
                "truncating would give two long paths one prefix");
        assertNotEquals(StorageKeyPrefixes.forContext("mcs:", "localhost/café"),
                StorageKeyPrefixes.forContext("mcs:", "localhost/cafè"), "replacing characters would merge them");
        for (String name : new String[] {longA, "localhost/my shop", "localhost/café"}) {
            String prefix = StorageKeyPrefixes.forContext("mcs:", name);
            assertTrue(prefix.matches("mcs:~[0-9a-f]{16}:"), prefix);
            StoreConfig config = new StoreConfig();
            config.setMemcachedNodes("n1:localhost:11211");
            config.setStorageKeyPrefix(prefix);
            config.validate(); // a valid prefix for the store
        }
    }
}
