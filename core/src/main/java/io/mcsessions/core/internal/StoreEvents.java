package io.mcsessions.core.internal;

import io.mcsessions.core.NodeAddress;
import io.mcsessions.core.StoreEvent;
import io.mcsessions.core.StoreListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A store's listeners, and whether it is degraded (no node up): said once when the last node goes, once when one
 * returns, in the log and to the listeners.
 */
public final class StoreEvents {
    private static final System.Logger LOG = Logs.logger("io.mcsessions.core.ReplicatedSessionStore");

    private final String name;
    private final List<StoreListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final StoreClock clock;

    public StoreEvents(String name, StoreClock clock) {
        this.name = name;
        this.clock = clock;
    }

    public void add(StoreListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void remove(StoreListener listener) {
        listeners.remove(listener);
    }

    public boolean isDegraded() {
        return degraded.get();
    }

    /**
     * Records whether any node is up, saying so when that changed. Asks {@code anyUp} under a lock: two node
     * transitions at once (the last two nodes going down on two IO threads) must not let the one that looked first
     * write its older answer last, leaving the store "not degraded" with every node down.
     *
     * @return true when the store has just recovered: a node is up again after none was
     */
    public synchronized boolean nodesUp(BooleanSupplier anyUp) {
        boolean up = anyUp.getAsBoolean();
        if (!up && degraded.compareAndSet(false, true)) {
            String message = name + " - no memcached node is reachable: sessions are kept in this container only, "
                    + "and are written to memcached again when a node returns";
            LOG.log(System.Logger.Level.WARNING, message);
            publish(StoreEvent.Type.DEGRADED, null, message);
        } else if (up && degraded.compareAndSet(true, false)) {
            String message = name + " - memcached is reachable again; sessions kept in this container during the "
                    + "outage are being written back";
            LOG.log(System.Logger.Level.INFO, message);
            publish(StoreEvent.Type.RECOVERED, null, message);
            return true;
        }
        return false;
    }

    /** Tells every listener; one that throws is named in a warning and the others are still told. */
    public void publish(StoreEvent.Type type, NodeAddress node, String message) {
        StoreEvent event = new StoreEvent(type, name, node, message, clock.wallMillis());
        for (StoreListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, name + " - store listener " + listener.getClass().getName()
                        + " failed on " + type + "; the store carries on", e);
            }
        }
    }
}
