package io.mcsessions.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.NodeAddress;
import io.mcsessions.core.NodeState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node's side of reconnection, with a client whose library never reconnects by itself: only the store's own
 * dials bring connections back. A pure unit: nothing crosses the network.
 */
class SharedNodeTest {
    private final NodeAddress address = new NodeAddress("n1", "127.0.0.1", 1);
    private final FakeClient fake = new FakeClient();
    private final NodeRegistry registry = NodeRegistry.isolated(StoreClock.SYSTEM, (node, settings, listener) -> {
        fake.listener = listener;
        return fake;
    });

    @AfterEach
    void stop() {
        registry.shutdown();
    }

    @Test
    void aNodeThatRefusedIsBackWithinTheRetryIntervalAndOneProbeThoughTheLibraryNeverReconnects() throws Exception {
        SharedNode node = registry.acquire(address, new NodeSettings(100, 200, null, null));
        fake.serverUp = false;
        fake.drop();
        awaitState(node, NodeState.DOWN);
        fake.serverUp = true;
        long back = System.nanoTime();
        awaitState(node, NodeState.UP);
        long millis = (System.nanoTime() - back) / 1_000_000;
        // The library never reconnects: the node comes back because the probe dials it, within the retry interval and
        // one probe (and some slack for a busy machine).
        assertTrue(millis <= 200 + 100 + 1_000, "back after " + millis + " ms");
    }

    @Test
    void anOperationThatFindsNoConnectionIsSentAgainAfterOneDialAndTheNodeStaysUp() throws Exception {
        SharedNode node = registry.acquire(address, new NodeSettings(100, 10_000, null, null));
        fake.connected = false; // died while idle: nobody told us
        int dialsBefore = fake.dials.get();
        assertEquals(null, node.call(c -> c.gets("k"), 100).get(1, TimeUnit.SECONDS));
        assertEquals(NodeState.UP, node.health().state());
        assertEquals(dialsBefore + 1, fake.dials.get());
    }

    @Test
    void anOperationThatFindsNoConnectionOnANodeThatRefusesTakesTheNodeDown() throws Exception {
        SharedNode node = registry.acquire(address, new NodeSettings(100, 10_000, null, null));
        fake.connected = false;
        fake.serverUp = false;
        CompletableFuture<NodeClient.Stored> result = node.call(c -> c.gets("k"), 100);
        try {
            result.get(1, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException expected) {
            assertEquals(NodeFailure.Kind.UNREACHABLE, NodeFailure.of(expected).kind());
        }
        assertTrue(result.isCompletedExceptionally());
        assertEquals(NodeState.DOWN, node.health().state());
        assertTrue(node.health().snapshot().reason().contains("refuses"), node.health().snapshot().reason());
    }

    private static void awaitState(SharedNode node, NodeState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (node.health().state() != state) {
            assertTrue(System.nanoTime() < deadline, "not " + state + " but " + node.health().state());
            Thread.sleep(5);
        }
    }

    /** A client whose connection exists while {@link #connected}; it connects only when told to reconnect. */
    private static final class FakeClient implements NodeClient {
        volatile ConnectionListener listener;
        volatile boolean connected = true;
        volatile boolean serverUp = true;
        final AtomicInteger dials = new AtomicInteger();

        void drop() {
            connected = false;
            listener.disconnected();
        }

        private <T> CompletableFuture<T> answer(T value) {
            return connected ? CompletableFuture.completedFuture(value)
                    : CompletableFuture.failedFuture(new NodeFailure(NodeFailure.Kind.UNREACHABLE, "no connection"));
        }

        @Override
        public CompletableFuture<Stored> gets(String key) {
            return answer(null);
        }

        @Override
        public CompletableFuture<Boolean> set(String key, int expiration, byte[] value) {
            return answer(true);
        }

        @Override
        public CompletableFuture<Boolean> add(String key, int expiration, byte[] value) {
            return answer(true);
        }

        @Override
        public CompletableFuture<Boolean> cas(String key, long cas, int expiration, byte[] value) {
            return answer(true);
        }

        @Override
        public CompletableFuture<Boolean> delete(String key, long cas) {
            return answer(true);
        }

        @Override
        public CompletableFuture<Boolean> touch(String key, int expiration) {
            return answer(true);
        }

        @Override
        public CompletableFuture<Void> probe() {
            return answer(null);
        }

        @Override
        public boolean isConnected() {
            return connected;
        }

        @Override
        public CompletableFuture<Void> reconnect() {
            dials.incrementAndGet();
            if (!serverUp) {
                return CompletableFuture.failedFuture(new NodeFailure(NodeFailure.Kind.UNREACHABLE,
                        "the node refuses connections"));
            }
            connected = true;
            listener.connected();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
        }
    }
}
