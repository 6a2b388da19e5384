package io.mcsessions.testing;

/** The one poll interval of this module, for waits on things that offer nothing to block on (a port, /proc). */
final class Waiting {

    static final long POLL_MILLIS = 10;

    private Waiting() {
    }

    /** Sleeps one poll interval; an interrupt becomes an {@link IllegalStateException} with the flag kept. */
    static void pause() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
