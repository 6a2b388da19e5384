package io.mcsessions.core;

/**
 * A session's lock, held for one request in non-sticky mode. Closing releases it. When the lock could not be
 * had in time, {@link #acquired()} is false, a warning was logged, and the request goes on without it: a
 * lock is never a reason to fail a request.
 */
public interface SessionLock extends AutoCloseable {

    /** Whether this request holds the lock. */
    boolean acquired();

    /** Releases the lock if held; never throws. */
    @Override
    void close();
}
