package io.mcsessions.core;

import static io.mcsessions.core.StoreFixture.record;
import static io.mcsessions.core.StoreFixture.stateOf;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mcsessions.testing.MachinePause;
import io.mcsessions.testing.MemcachedCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A pause of the whole machine (this JVM and every node stop, then resume together: a paused virtual machine,
 * steal time on a busy CI host) is nobody's failure. When it ends, every timeout of the operations in flight is
 * overdue while the nodes have not answered yet; without care those reads fail on every replica at once, and a
 * non-sticky container serves its own older copy (seen in CI as lost updates and stale reads).
 */
class MachinePauseTest {
    private static final int CALLERS = 16;
    /**
     * Long enough that a busy machine's own hiccups time nothing out (they are not what this test is about), and
     * shorter than the pause, so every operation in flight falls due during it.
     */
    private static final long TIMEOUT_MS = 1000;
    private static final Duration PAUSE = Duration.ofMillis(TIMEOUT_MS * 2);

    @RegisterExtension
    static final MemcachedCluster cluster = MemcachedCluster.withNodes(3);

    @RegisterExtension
    final StoreFixture stores = new StoreFixture();

    @Test
    void aPauseOfTheWholeMachineFailsNoOperationAndTakesNoNodeDown() throws Exception {
        ReplicatedSessionStore store = stores.start(cluster.nodesString(), config -> {
            config.setRedundancy(2);
            config.setOperationTimeout(TIMEOUT_MS);
        });
        ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
        store.addListener(event -> events.add(event.type() + " " + event.message()));
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        List<Future<?>> loops = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            String id = "paused-" + c;
            loops.add(callers.submit(() -> {
                long revision = Revisions.next(0);
                store.save(record(id, revision));
                while (running.get()) {
                    LoadResult loaded = store.load(id);
                    if (!loaded.isFound()) {
                        problems.add(id + ": load " + loaded.outcome());
                    } else if (loaded.record().revision() != revision) {
                        problems.add(id + ": loaded revision " + loaded.record().revision() + ", saved " + revision);
                    }
                    revision = Revisions.next(revision);
                    SaveResult saved = store.save(record(id, revision));
                    if (!saved.isStored()) {
                        problems.add(id + ": save " + saved.outcome() + " (" + saved.detail() + ")");
                    }
                }
                return null;
            }));
        }
        try {
            Thread.sleep(300);
            for (int pause = 0; pause < 2; pause++) {
                MachinePause.pause(PAUSE, cluster.nodes());
                Thread.sleep(300);
            }
        } finally {
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get(10, TimeUnit.SECONDS);
            }
            callers.shutdown();
        }
        assertEquals(List.of(), List.copyOf(problems), "operations failed across the pauses");
        assertEquals(List.of(), List.copyOf(events), "node events across the pauses");
        for (String node : List.of("n1", "n2", "n3")) {
            assertEquals(NodeState.UP, stateOf(store, node), node);
        }
    }
}
