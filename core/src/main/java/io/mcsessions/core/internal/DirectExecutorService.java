package io.mcsessions.core.internal;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs each task on the submitting thread. spymemcached hands every completed operation to an executor to
 * notify listeners; our listeners only complete a future, so a thread hop per operation would be pure cost
 * (and its default pool's threads are not daemons).
 */
final class DirectExecutorService extends AbstractExecutorService {
    static final DirectExecutorService INSTANCE = new DirectExecutorService();

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public void shutdown() {
        // shared and stateless: nothing to stop
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return false;
    }
}
