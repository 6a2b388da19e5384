package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** memcached expires the copies max-inactive seconds after their last write or touch. */
class ExpirationTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(2);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @Test
    void copiesExpireAfterMaxInactiveAndATouchPostponesIt() {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        store.save(new SessionRecord("short", Revisions.next(0), 1, 1, 1, new byte[] {1}));
        store.save(new SessionRecord("touched", Revisions.next(0), 1, 1, 1, new byte[] {1}));
        assertTrue(store.touch("touched", 60));
        await("the one-second session expires", 5_000, () -> store.load("short").isAbsent());
        assertEquals(LoadResult.Outcome.FOUND, store.load("touched").outcome(), "touched to 60 s");
        assertTrue(!store.touch("never-stored", 60), "touch says when there is nothing to touch");
    }
}
