package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SessionEnvelopeTest {

    private static final SessionEnvelope SAMPLE = SessionEnvelope.session(42, 1000, 10, 20, 1800, "tomcat-a",
            "payload".getBytes(StandardCharsets.UTF_8));

    @Test
    void roundTripsEveryField() throws Exception {
        SessionEnvelope decoded = SessionEnvelope.decode(SAMPLE.encode());
        assertEquals(42, decoded.revision());
        assertEquals(1000, decoded.savedAt());
        assertEquals(10, decoded.creationTime());
        assertEquals(20, decoded.lastAccessedTime());
        assertEquals(1800, decoded.maxInactiveSeconds());
        assertEquals("tomcat-a", decoded.writer());
        assertArrayEquals("payload".getBytes(StandardCharsets.UTF_8), decoded.payload());
        assertFalse(decoded.isTombstone());
    }

    @Test
    void tombstonesRoundTrip() throws Exception {
        SessionEnvelope decoded = SessionEnvelope.decode(SessionEnvelope.tombstone(7, 5, 60, "w").encode());
        assertTrue(decoded.isTombstone());
        assertEquals(7, decoded.revision());
        assertEquals(0, decoded.payload().length);
    }

    @Test
    void higherRevisionWinsAndSavedAtBreaksTies() {
        SessionEnvelope older = SessionEnvelope.session(1, 500, 0, 0, 0, "w", new byte[0]);
        SessionEnvelope newer = SessionEnvelope.session(2, 100, 0, 0, 0, "w", new byte[0]);
        SessionEnvelope sameRevisionLater = SessionEnvelope.session(2, 200, 0, 0, 0, "w", new byte[0]);
        assertTrue(newer.isNewerThan(older));
        assertFalse(older.isNewerThan(newer));
        assertTrue(sameRevisionLater.isNewerThan(newer));
        assertTrue(older.isNewerThan(null));
    }

    @Test
    void everyTruncationIsMalformed() {
        byte[] whole = SAMPLE.encode();
        for (int length = 0; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThrows(SessionEnvelope.MalformedEnvelopeException.class, () -> SessionEnvelope.decode(cut),
                    "truncated to " + length);
        }
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] longer = Arrays.copyOf(SAMPLE.encode(), SAMPLE.encode().length + 1);
        assertThrows(SessionEnvelope.MalformedEnvelopeException.class, () -> SessionEnvelope.decode(longer));
    }

    @Test
    void foreignAndRandomBytesAreMalformed() {
        Random random = new Random(6848);
        for (int i = 0; i < 2000; i++) {
            byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            if (i % 2 == 0 && garbage.length > 2) {
                garbage[0] = 'M'; // half of them pass the magic check and must fail deeper
                garbage[1] = 'C';
            }
            byte[] value = garbage;
            try {
                SessionEnvelope.decode(value);
            } catch (SessionEnvelope.MalformedEnvelopeException expected) {
                continue;
            }
            // a random value that happens to parse must at least be self-consistent
            assertTrue(value.length >= 45, "parsed " + value.length + " random bytes");
        }
        assertThrows(SessionEnvelope.MalformedEnvelopeException.class,
                () -> SessionEnvelope.decode("a PHP session string".getBytes(StandardCharsets.UTF_8)));
        assertThrows(SessionEnvelope.MalformedEnvelopeException.class,
                () -> SessionEnvelope.decode(new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5}));
    }

    @Test
    void unknownFormatVersionIsMalformed() {
        byte[] value = SAMPLE.encode();
        value[2] = 99;
        SessionEnvelope.MalformedEnvelopeException e = assertThrows(SessionEnvelope.MalformedEnvelopeException.class,
                () -> SessionEnvelope.decode(value));
        assertTrue(e.getMessage().contains("format version 99"), e.getMessage());
    }
}
