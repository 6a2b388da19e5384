package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.testing.MemcachedCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13.5: rotating signing keys on two instances, one restart at a time, under traffic, loses no session:
 * (1) add the new key second, (2) promote it to first, (3) one session timeout later drop the old key. Half the
 * sessions change on every round; the other half are only read (their copies are not rewritten by any change, only
 * their headers move on), so step 3 shows that they too carry the new key by then.
 */
class KeyRotationTest {
    private static final String OLD = "the-old-signing-key-0123456789";
    private static final String NEW = "the-new-signing-key-abcdefghij";
    private static final int TIMEOUT_SECONDS = 4;
    private static final int SESSIONS = 40;

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    private final List<ReplicatedSessionStore> instances = new ArrayList<>();
    private final Map<String, Long> revisions = new HashMap<>();
    private final Map<String, Long> lastWrite = new HashMap<>();
    private int round;

    private ReplicatedSessionStore start(String keys) {
        return stores.startInOtherJvm(cluster.nodesString(), c -> {
            c.setRedundancy(2);
            c.setSigningKeys(keys);
        });
    }

    /** A rolling restart of one instance with new keys. */
    private void restart(int index, String keys) {
        instances.get(index).close();
        instances.set(index, start(keys));
        traffic(3);
    }

    @Test
    void threeStepRotationOneInstanceAtATimeLosesNoSession() throws Exception {
        instances.add(start(OLD));
        instances.add(start(OLD));
        for (int i = 0; i < SESSIONS; i++) {
            write("s" + i, instances.get(i % 2));
        }
        traffic(3);

        restart(0, OLD + "," + NEW); // step 1: every instance learns the new key, still signing with the old
        restart(1, OLD + "," + NEW);
        restart(0, NEW + "," + OLD); // step 2: the new key signs
        restart(1, NEW + "," + OLD);
        long promoted = System.currentTimeMillis();
        while (System.currentTimeMillis() < promoted + TIMEOUT_SECONDS * 1000L + 500) {
            traffic(1); // one session timeout with traffic: every live copy is signed again
            Thread.sleep(250);
        }
        restart(0, NEW); // step 3: the old key goes
        restart(1, NEW);
        traffic(3);
    }

    /** Rounds of requests: each session on one instance or the other, changed (even ones) or only read (odd ones). */
    private void traffic(int rounds) {
        for (int r = 0; r < rounds; r++, round++) {
            for (int i = 0; i < SESSIONS; i++) {
                String id = "s" + i;
                ReplicatedSessionStore instance = instances.get((i + round) % 2);
                LoadResult loaded = instance.load(id);
                assertEquals(LoadResult.Outcome.FOUND, loaded.outcome(), "session " + id + " in round " + round);
                assertEquals(revisions.get(id), loaded.record().revision(), "revision of " + id);
                if (i % 2 == 0) {
                    write(id, instance);
                } else {
                    instance.accessed(id, System.currentTimeMillis(), loaded.record().lastAccessedTime(),
                            TIMEOUT_SECONDS, () -> { });
                }
            }
        }
    }

    private void write(String id, ReplicatedSessionStore instance) {
        long now = System.currentTimeMillis();
        long revision = Revisions.next(revisions.getOrDefault(id, 0L));
        SaveResult saved = instance.save(new SessionRecord(id, revision, now, now, TIMEOUT_SECONDS,
                StoreFixture.payload(revision)));
        assertEquals(SaveResult.Outcome.STORED, saved.outcome(), id);
        revisions.put(id, revision);
        lastWrite.put(id, now);
    }
}
