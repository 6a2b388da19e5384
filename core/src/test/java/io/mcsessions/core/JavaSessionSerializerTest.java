package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JavaSessionSerializerTest {
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private final JavaSessionSerializer serializer = new JavaSessionSerializer();

    static final class Cart implements Serializable {
        final List<String> items = new ArrayList<>();
    }

    static final class Connection { // not serializable
    }

    static final class HoldsConnection implements Serializable {
        final Object connection = new Connection(); // serializable on the outside, not inside
    }

    @Test
    void roundTripsAttributes() throws IOException {
        Cart cart = new Cart();
        cart.items.add("book");
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("cart", cart);
        attributes.put("count", 3);
        Map<String, Object> back = serializer.deserialize(serializer.serialize(attributes), getClass().getClassLoader());
        assertEquals(3, back.get("count"));
        assertEquals(List.of("book"), ((Cart) back.get("cart")).items);
    }

    @Test
    void nonSerializableAttributesAreLeftOutWithOneWarningPerClass() throws IOException {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("user", "alice");
        attributes.put("db", new Connection());
        attributes.put("nested", new HoldsConnection());
        for (int i = 0; i < 3; i++) {
            Map<String, Object> back = serializer.deserialize(serializer.serialize(attributes), null);
            assertEquals(Map.of("user", "alice"), back);
        }
        assertEquals(1, logs.count(Level.WARNING, "session attribute 'db' of class " + Connection.class.getName()),
                logs.dump());
        assertEquals(1, logs.count(Level.WARNING, HoldsConnection.class.getName()), logs.dump());
    }

    @Test
    void damagedPayloadsAreIoExceptions() {
        assertThrows(IOException.class, () -> serializer.deserialize(new byte[] {1, 2, 3}, null));
        byte[] good;
        try {
            good = serializer.serialize(Map.of("a", "b"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        byte[] cut = java.util.Arrays.copyOf(good, good.length - 2);
        assertThrows(IOException.class, () -> serializer.deserialize(cut, null));
    }

    @Test
    void classesResolveThroughTheGivenLoaderOnly() throws Exception {
        // A class loader that cannot see Cart: deserializing must fail with a clear IOException.
        ClassLoader isolated = new ClassLoader(null) {
        };
        byte[] payload = serializer.serialize(Map.of("cart", new Cart()));
        IOException e = assertThrows(IOException.class, () -> serializer.deserialize(payload, isolated));
        assertTrue(e.getMessage().contains(Cart.class.getName()), e.getMessage());
        assertFalse(serializer.deserialize(payload, getClass().getClassLoader()).isEmpty());
    }
}
