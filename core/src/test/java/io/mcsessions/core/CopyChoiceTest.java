package io.mcsessions.core;

import static io.mcsessions.core.CopyChoice.Choice.LOCAL;
import static io.mcsessions.core.CopyChoice.Choice.LOCAL_NEWER;
import static io.mcsessions.core.CopyChoice.Choice.NONE;
import static io.mcsessions.core.CopyChoice.Choice.SAME;
import static io.mcsessions.core.CopyChoice.Choice.STORED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CopyChoiceTest {
    private static final CopyChoice TOMCAT = CopyChoice.idsNeverReused();
    private static final CopyChoice JETTY = CopyChoice.idsReused();

    private static LoadResult found(long revision) {
        return LoadResult.found(new SessionRecord("s1", revision, 1, 1, 1800, new byte[] {1}));
    }

    @Test
    void withoutALocalCopyOnlyAFoundCopyServes() {
        for (CopyChoice rules : new CopyChoice[] {TOMCAT, JETTY}) {
            assertEquals(STORED, rules.withoutLocalCopy(found(5)));
            assertEquals(NONE, rules.withoutLocalCopy(LoadResult.absent()));
            assertEquals(NONE, rules.withoutLocalCopy(LoadResult.ended(9)));
            assertEquals(NONE, rules.withoutLocalCopy(LoadResult.unavailable()));
        }
    }

    @Test
    void theHigherRevisionWinsWhicheverSideHoldsIt() {
        for (CopyChoice rules : new CopyChoice[] {TOMCAT, JETTY}) {
            assertEquals(STORED, rules.choose(found(5), 4, true));
            assertEquals(SAME, rules.choose(found(5), 5, true));
            assertEquals(LOCAL_NEWER, rules.choose(found(5), 6, true), "memcached lost the newer copy a replica took");
            assertEquals(LOCAL_NEWER, rules.choose(found(5), 6, false));
        }
    }

    @Test
    void noAnswerServesTheLocalCopy() {
        assertEquals(LOCAL, TOMCAT.choose(LoadResult.unavailable(), 3, true));
        assertEquals(LOCAL, JETTY.choose(LoadResult.unavailable(), 3, false));
    }

    @Test
    void aCopyNoReplicaTookServesUntilATombstoneEndsIt() {
        for (CopyChoice rules : new CopyChoice[] {TOMCAT, JETTY}) {
            assertEquals(LOCAL, rules.choose(LoadResult.absent(), 3, false), "not in memcached yet");
            assertEquals(NONE, rules.choose(LoadResult.absent(), 3, true), "gone from memcached");
            assertEquals(NONE, rules.choose(LoadResult.ended(4), 3, false), "ended after it");
        }
        assertEquals(NONE, TOMCAT.choose(LoadResult.ended(2), 3, false), "Tomcat: any tombstone ends the id");
        assertEquals(LOCAL, JETTY.choose(LoadResult.ended(2), 3, false), "Jetty: a new session under a reused id");
    }
}
