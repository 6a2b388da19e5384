package io.mcsessions.tomcat;

import io.mcsessions.core.NodeState;
import io.mcsessions.core.ReplicatedSessionStore;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling for conditions that offer nothing to block on (node health decided by probes). */
final class Poll {
    private Poll() {
    }

    static void until(BooleanSupplier condition, Duration limit, Supplier<String> message) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit.toMillis() + " ms: " + message.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Waits until the store sees every node up (after a test restarted killed nodes), probing as it goes. */
    static void allNodesUp(MemcachedSessionManager manager) {
        ReplicatedSessionStore store = manager.store();
        until(() -> {
            store.load("probe-" + System.nanoTime()); // gives a down node's probe a chance to run
            return store.nodes().stream().allMatch(n -> n.state() == NodeState.UP);
        }, Duration.ofSeconds(10), () -> "nodes " + store.nodes());
    }
}
