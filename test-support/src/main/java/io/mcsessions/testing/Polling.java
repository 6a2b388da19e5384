package io.mcsessions.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * How the tests wait for what offers nothing to block on (a node's health decided by probes, a write completing in
 * the background, a line in a log): Awaitility, looking at once and then every {@value #POLL_MILLIS} ms.
 *
 * <pre>{@code
 * import static io.mcsessions.testing.Polling.await;
 *
 * await("n1 is down").atMost(Duration.ofSeconds(2)).until(() -> stateOf(store, "n1"), is(NodeState.DOWN));
 * await("3 copies of " + key).atMost(Duration.ofSeconds(20))
 *         .untilAsserted(() -> assertEquals(3, holders().size(), () -> "held by " + holders()));
 * }</pre>
 *
 * <p>A wait always says what it waits for: that is the first thing its failure shows, followed by what was seen
 * last (the value a matcher refused, or the message of the last failed assertion). Prefer those two forms to a bare
 * boolean condition, whose failure can only say that it was not fulfilled. Awaitility's own default for a first look
 * is after 100 ms, which would add that much to every wait for a condition already true (such as "every node is
 * up" before each test).
 *
 * <p>Awaitility is an optional dependency of this module: a module that uses this class declares
 * {@code org.awaitility:awaitility} (test scope; the version is pinned in the parent pom).
 */
public final class Polling {

    /** Between two looks at a condition; conditions that cost a request may ask for longer. */
    public static final long POLL_MILLIS = 10;

    private Polling() {
    }

    /**
     * Awaitility's {@code await(what)}: first look at once, then every {@value #POLL_MILLIS} ms, for at most 10 s
     * unless {@code atMost} says otherwise. An exception that another thread leaves uncaught does not fail the wait,
     * as it would by Awaitility's default: the tests inject faults on purpose, and a client library's I/O thread that
     * trips over a reset connection is one of them.
     *
     * @param what what is awaited, as the failure should name it, e.g. {@code "n1 is back up"}
     */
    public static ConditionFactory await(String what) {
        if (what == null || what.isBlank()) {
            throw new IllegalArgumentException("say what is awaited: its failure names it");
        }
        return Awaitility.await(what).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(POLL_MILLIS))
                .dontCatchUncaughtExceptions();
    }
}
