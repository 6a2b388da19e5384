package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reused per-thread stream writes exactly what a new {@link ObjectOutputStream} per payload writes: a session
 * read back as it was written, and a session serialized twice unchanged gives the same bytes (its digest tells
 * "unchanged"), whatever the thread serialized before.
 */
class ReusedObjectOutputTest {

    record Item(String name, int count) implements Serializable {
    }

    static final class Cart implements Serializable {
        final List<Item> items = new ArrayList<>();
        Cart self = this; // a back reference: a handle inside the payload
    }

    static final class NotSerializable {
    }

    /** An attribute whose own serialization writes a whole session on the same thread (the busy path). */
    static final class SerializesASession implements Serializable {
        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            ByteArrayOutputStream inner = new ByteArrayOutputStream();
            ReusedObjectOutput.write(Map.of("inner", "value"), inner);
            assertArrayEquals(fresh(Map.of("inner", "value")), inner.toByteArray());
        }
    }

    @Test
    void writesTheBytesOfANewStreamPayloadAfterPayload() throws IOException {
        List<Map<String, Object>> sessions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Cart cart = new Cart();
            cart.items.add(new Item("book", i));
            cart.items.add(new Item("pen", i + 1));
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("cart", cart);
            attributes.put("counter", i);
            attributes.put("payload", new byte[1024]);
            if (i % 2 == 0) {
                attributes.put("again", cart); // the same object twice: a handle, per payload
            }
            sessions.add(attributes);
        }
        for (Map<String, Object> session : sessions) {
            assertArrayEquals(fresh(session), reused(session));
        }
        for (Map<String, Object> session : sessions) { // descriptors written once before are written again
            assertArrayEquals(fresh(session), reused(session));
        }
    }

    @Test
    void aStreamThatFailedIsNotReused() throws IOException {
        Map<String, Object> good = Map.of("user", "alice", "cart", new Cart());
        assertArrayEquals(fresh(good), reused(good));
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("cart", new Cart());
        bad.put("db", new NotSerializable());
        assertThrows(NotSerializableException.class, () -> reused(bad));
        assertArrayEquals(fresh(good), reused(good));
    }

    @Test
    void aPayloadWrittenWhileTheStreamIsBusyGetsItsOwn() throws IOException {
        Map<String, Object> outer = Map.of("nested", new SerializesASession());
        assertArrayEquals(fresh(outer), reused(outer));
        assertArrayEquals(fresh(outer), reused(outer));
    }

    @Test
    void theSerializerReadsBackWhatTheReusedStreamWrote() throws IOException {
        JavaSessionSerializer serializer = new JavaSessionSerializer();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> attributes = Map.of("item", new Item("book", i), "counter", i);
            assertEquals(attributes, serializer.deserialize(serializer.serialize(attributes), null));
        }
    }

    private static byte[] reused(Map<String, Object> attributes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReusedObjectOutput.write(attributes, out);
        return out.toByteArray();
    }

    /** What the serializer wrote before: a new stream for the payload. */
    static byte[] fresh(Map<String, Object> attributes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeInt(attributes.size());
            for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
                objects.writeUTF(attribute.getKey());
                objects.writeObject(attribute.getValue());
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }
}
