package io.mcsessions.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.SessionRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalCopiesTest {

    private static SessionRecord record(String id, long revision) {
        return new SessionRecord(id, revision, 0, 0, 60, new byte[] {1});
    }

    @Test
    void keepsTheNewestCopyOfASession() {
        LocalCopies copies = new LocalCopies(10);
        copies.remember(record("s", 5), 0, true);
        copies.remember(record("s", 3), 0, true);

        assertEquals(5, copies.get("s").revision());
        copies.remember(record("s", 7), 0, false);
        assertEquals(7, copies.get("s").revision());
        assertFalse(copies.get("s").acknowledged());
    }

    @Test
    void acknowledgesOnlyTheRevisionThatWasStored() {
        LocalCopies copies = new LocalCopies(10);
        copies.remember(record("s", 7), 0, false);

        copies.acknowledge("s", 6);
        assertFalse(copies.get("s").acknowledged());
        copies.acknowledge("s", 7);
        assertTrue(copies.get("s").acknowledged());
    }

    @Test
    void dropsTheLeastRecentlyUsedBeyondItsBound() {
        LocalCopies copies = new LocalCopies(2);
        copies.remember(record("a", 1), 0, true);
        copies.remember(record("b", 1), 0, true);
        assertNotNull(copies.get("a")); // a is now more recent than b

        copies.remember(record("c", 1), 0, true);

        assertEquals(2, copies.size());
        assertNull(copies.get("b"));
        assertNotNull(copies.get("a"));
    }

    @Test
    void zeroKeepsNothing() {
        LocalCopies copies = new LocalCopies(0);
        copies.remember(record("a", 1), 0, true);
        assertEquals(0, copies.size());
    }

    @Test
    void forgetsOnlyCopiesNotNewerThanTheGivenRevision() {
        LocalCopies copies = new LocalCopies(10);
        copies.remember(record("s", 7), 0, true);

        copies.forgetUpTo("s", 6);
        assertNotNull(copies.get("s"));
        copies.forgetUpTo("s", 7);
        assertNull(copies.get("s"));
    }

    @Test
    void listsTheCopiesExpiredAtATime() {
        LocalCopies copies = new LocalCopies(10);
        copies.remember(record("old", 1), 1_000, true);
        copies.remember(record("young", 1), 5_000, true);
        copies.remember(record("immortal", 1), 0, true);

        assertEquals(List.of("old"), copies.expiredAt(2_000));
    }
}
