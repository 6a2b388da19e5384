package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Deserialization bombs are stopped by limits before they exhaust memory or stack. */
class DeserializationFilterTest {
    private final JavaSessionSerializer serializer = new JavaSessionSerializer();

    static final class Allowed implements Serializable {
        final String name = "ok";
    }

    static final class Forbidden implements Serializable {
    }

    @Test
    void deepNestingIsRejected() throws IOException {
        Object[] nested = new Object[1];
        Object[] current = nested;
        for (int i = 0; i < 1000; i++) {
            Object[] next = new Object[1];
            current[0] = next;
            current = next;
        }
        byte[] payload = serializer.serialize(Map.of("deep", nested));
        IOException e = assertThrows(IOException.class, () -> serializer.deserialize(payload, null));
        assertTrue(e.getMessage().contains("object graph deeper than 200"), e.getMessage());
    }

    @Test
    void anArrayLongerThanThePayloadIsRejectedBeforeItIsAllocated() throws IOException {
        byte[] payload = serializer.serialize(Map.of("array", new int[] {7, 7, 7}));
        // Announce two billion elements where the stream says 3: a naive reader would try to allocate 8 GB.
        int at = indexOf(payload, new byte[] {0, 0, 0, 3, 0, 0, 0, 7});
        payload[at] = 0x7f;
        payload[at + 1] = (byte) 0xff;
        payload[at + 2] = (byte) 0xff;
        payload[at + 3] = (byte) 0xff;
        IOException e = assertThrows(IOException.class, () -> serializer.deserialize(payload, null));
        assertTrue(e.getMessage().contains("an array of 2147483647 elements"), e.getMessage());
    }

    @Test
    void honestSessionsPass() throws IOException {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            items.add("item " + i);
        }
        Map<String, Object> back = serializer.deserialize(serializer.serialize(Map.of("cart", items,
                "bytes", new byte[50_000])), null);
        assertEquals(items, back.get("cart"));
    }

    @Test
    void aClassFilterAllowsOnlyWhatItNames() throws IOException {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes("n1:localhost:11211");
        config.setDeserializationFilter(Allowed.class.getName() + ";java.base/*;!*");
        JavaSessionSerializer filtered = JavaSessionSerializer.forConfig(config.validate());
        assertEquals("ok", ((Allowed) filtered.deserialize(serializer.serialize(Map.of("a", new Allowed())),
                getClass().getClassLoader()).get("a")).name);
        IOException e = assertThrows(IOException.class, () -> filtered.deserialize(
                serializer.serialize(Map.of("f", new Forbidden())), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("class " + Forbidden.class.getName() + " is not allowed by "
                + "deserializationFilter"), e.getMessage());
    }

    @Test
    void aBadFilterPatternFailsTheStart() {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes("n1:localhost:11211");
        config.setDeserializationFilter("maxdepth=lots");
        ConfigurationException e = assertThrows(ConfigurationException.class, config::validate);
        assertTrue(e.getMessage().startsWith("deserializationFilter must be a JEP 290 filter pattern"), e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }

    @SuppressWarnings("unused")
    private static byte[] raw(Object o) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(o);
        }
        return out.toByteArray();
    }
}
