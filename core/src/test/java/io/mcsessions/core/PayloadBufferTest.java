package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadBufferTest {

    @Test
    void writesWhatADataOutputStreamWritesAndFillsInALengthLater() throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(expected);
        data.writeByte(7);
        data.writeInt(3000);
        data.write(new byte[3000]);
        data.writeInt(-2);

        PayloadBuffer buffer = PayloadBuffer.acquire();
        try {
            buffer.write(7);
            int lengthAt = buffer.size();
            buffer.writeInt(0);
            buffer.write(new byte[3000]); // grows past the initial capacity
            buffer.putInt(lengthAt, buffer.size() - lengthAt - 4);
            buffer.writeInt(-2);
            assertArrayEquals(expected.toByteArray(), buffer.toByteArray());
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(expected.toByteArray()), buffer.digest());
            assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe},
                    buffer.toByteArray(buffer.size() - 4));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        } finally {
            buffer.release();
        }
    }

    @Test
    void aSerializerThatStartsOverLeavesNothingOfItsFirstAttempt() throws IOException {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("kept", "value");
        attributes.put("dropped", new Object()); // not serializable: the serializer writes again without it
        PayloadBuffer buffer = PayloadBuffer.acquire();
        try {
            buffer.write(42);
            new JavaSessionSerializer().serialize(attributes, buffer);
            byte[] payload = buffer.toByteArray(1);
            assertEquals(Map.of("kept", "value"),
                    new JavaSessionSerializer().deserialize(payload, getClass().getClassLoader()));
            assertEquals(42, buffer.toByteArray()[0]);
        } finally {
            buffer.release();
        }
    }

    @Test
    void aThreadGetsItsBufferAgainAndANestedUseGetsAnotherOne() {
        PayloadBuffer first = PayloadBuffer.acquire();
        first.write(1);
        PayloadBuffer nested = PayloadBuffer.acquire();
        assertNotSame(first, nested);
        nested.release();
        first.release();
        PayloadBuffer again = PayloadBuffer.acquire();
        assertSame(first, again);
        assertEquals(0, again.size(), "a buffer comes back empty");
        again.release();
    }

    @Test
    void aBufferThatGrewLargeIsNotKept() {
        PayloadBuffer large = PayloadBuffer.acquire();
        large.write(new byte[PayloadBuffer.KEEP_LIMIT + 1]);
        large.release();
        PayloadBuffer next = PayloadBuffer.acquire();
        assertNotSame(large, next);
        next.release();
    }

    @Test
    void refusesToTruncateBeyondWhatWasWritten() {
        PayloadBuffer buffer = PayloadBuffer.acquire();
        try {
            buffer.write(new byte[4]);
            assertThrows(IllegalArgumentException.class, () -> buffer.truncate(5));
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.putInt(1, 0));
        } finally {
            buffer.release();
        }
    }
}
