package io.mcsessions.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.eclipse.jetty.session.SessionData;
import org.junit.jupiter.api.Test;

class SessionDataCodecTest {

    @Test
    void everyFieldJettyKeepsSurvivesTheRoundTrip() throws IOException {
        SessionData data = new SessionData("abc", "_shop", "0.0.0.0", 100, 400, 300, 60_000);
        data.setLastNode("node7");
        data.setCookieSet(350);
        data.setExpiry(460_000);
        data.setLastSaved(401);
        byte[] attributes = {1, 2, 3, 4};

        byte[] payload = SessionDataCodec.encode(data, attributes);
        SessionDataCodec.Header header = SessionDataCodec.readHeader(payload);
        MemcachedSessionData copy = SessionDataCodec.newData(header, 42, 400); // the header carries the same access

        assertEquals("abc", copy.getId());
        assertEquals("_shop", copy.getContextPath());
        assertEquals("0.0.0.0", copy.getVhost());
        assertEquals("node7", copy.getLastNode());
        assertEquals(100, copy.getCreated());
        assertEquals(400, copy.getAccessed());
        assertEquals(300, copy.getLastAccessed());
        assertEquals(350, copy.getCookieSet());
        assertEquals(460_000, copy.getExpiry());
        assertEquals(60_000, copy.getMaxInactiveMs());
        assertEquals(401, copy.getLastSaved());
        assertEquals(42, copy.revision());
        assertArrayEquals(attributes, Arrays.copyOfRange(payload, header.attributesOffset(),
                header.attributesOffset() + header.attributesLength()));
    }

    @Test
    void absentLastNodeStaysAbsent() throws IOException {
        SessionData data = new SessionData("abc", "", "0.0.0.0", 1, 1, 1, -1);

        SessionDataCodec.Header header = SessionDataCodec.readHeader(SessionDataCodec.encode(data, new byte[0]));

        assertNull(header.lastNode());
        assertEquals(0, header.expiry());
        assertTrue(!header.isExpiredAt(Long.MAX_VALUE), "a session without expiry never expires");
    }

    @Test
    void foreignTruncatedAndOverlongPayloadsAreRefused() throws IOException {
        byte[] good = SessionDataCodec.encode(new SessionData("abc", "", "0.0.0.0", 1, 1, 1, 1000), new byte[] {9, 9});

        assertThrows(IOException.class, () -> SessionDataCodec.readHeader(
                "not ours".getBytes(StandardCharsets.US_ASCII)));
        assertThrows(IOException.class, () -> SessionDataCodec.readHeader(new byte[0]));
        for (int length = 1; length < good.length; length++) {
            byte[] truncated = Arrays.copyOf(good, length);
            assertThrows(IOException.class, () -> SessionDataCodec.readHeader(truncated), "length " + length);
        }
        assertThrows(IOException.class, () -> SessionDataCodec.readHeader(Arrays.copyOf(good, good.length + 1)));
        byte[] otherVersion = good.clone();
        otherVersion[2] = 99;
        IOException e = assertThrows(IOException.class, () -> SessionDataCodec.readHeader(otherVersion));
        assertTrue(e.getMessage().contains("format 99"), e.getMessage());
    }

    /** A copy whose stored header was moved on by requests that only read the session: the later access wins. */
    @Test
    void aLaterAccessInTheStoredHeaderMovesAccessAndExpiryOn() throws Exception {
        SessionData data = new SessionData("abc", "_shop", "0.0.0.0", 100, 400, 300, 60_000);
        data.setExpiry(460_000);
        SessionDataCodec.Header header = SessionDataCodec.readHeader(SessionDataCodec.encode(data, new byte[0]));
        MemcachedSessionData copy = SessionDataCodec.newData(header, 42, 5_000);
        assertEquals(5_000, copy.getAccessed());
        assertEquals(5_000, copy.getLastAccessed());
        assertEquals(65_000, copy.getExpiry());
        assertEquals(65_000, header.expiryAccessedAt(5_000));
        assertEquals(460_000, header.expiryAccessedAt(300), "an older header access changes nothing");
    }
}
