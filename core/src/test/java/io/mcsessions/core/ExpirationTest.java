package io.mcsessions.core;

import static io.mcsessions.testing.Polling.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A copy lives until its last access plus its timeout (in its header; memcached drops it a little later); a touch
 * moves its last access on.
 */
class ExpirationTest {
    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(2);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @Test
    void copiesExpireAfterTheirTimeoutSinceTheLastAccessAndATouchPostponesIt() throws InterruptedException {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), 2);
        long now = System.currentTimeMillis();
        store.save(new SessionRecord("short", Revisions.next(0), now, now, 1, new byte[] {1}));
        store.save(new SessionRecord("touched", Revisions.next(0), now, now, 3, new byte[] {1}));
        Thread.sleep(1_500);
        assertTrue(store.touch("touched", 3));
        await("the one-second session expires").atMost(Duration.ofSeconds(5))
                .until(() -> store.load("short").outcome(), is(LoadResult.Outcome.ABSENT));
        assertEquals(LoadResult.Outcome.FOUND, store.load("touched").outcome(), "touched after 1.5 s of its 3");
        assertTrue(!store.touch("never-stored", 60), "touch says when there is nothing to touch");
    }
}
