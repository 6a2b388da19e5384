package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class SessionKeysTest {
    private final SessionKeys keys = new SessionKeys("app:");

    @Test
    void containerIdsAreUsedAsTheyAre() {
        assertEquals("app:8F3A2B9C1D.tomcat-a", keys.sessionKey("8F3A2B9C1D.tomcat-a"));
        assertEquals("app:node0abc123.node0", keys.sessionKey("node0abc123.node0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"has space", "crlf\r\nset x 0 0 1", "tab\tid", "ünïcödé", "", "~looks-hashed", "a:b"})
    void otherIdsBecomeAHashThatIsAValidKey(String id) {
        String key = keys.sessionKey(id);
        assertValidMemcachedKey(key);
        assertTrue(key.startsWith("app:~"), key);
    }

    @Test
    void longIdsBecomeAHashThatIsAValidKey() {
        String key = keys.sessionKey("x".repeat(4096));
        assertValidMemcachedKey(key);
        assertValidMemcachedKey(keys.lockKey("x".repeat(4096)));
    }

    @Test
    void distinctIdsGetDistinctKeysAndLocksNeverShareASessionKey() {
        assertNotEquals(keys.sessionKey("a b"), keys.sessionKey("a  b"));
        assertNotEquals(keys.sessionKey("abc~lock"), keys.lockKey("abc"));
        assertValidMemcachedKey(keys.lockKey("abc"));
    }

    private static void assertValidMemcachedKey(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length <= 250, "key of " + bytes.length + " bytes");
        for (byte b : bytes) {
            assertTrue(b > 0x20 && b < 0x7f, "byte " + b + " in " + key);
        }
    }
}
