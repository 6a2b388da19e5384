package io.mcsessions.core;

/**
 * Told about node failures and recoveries. A listener that throws is logged and otherwise ignored: it
 * never breaks a request. Listeners run on the thread that caused the event: return quickly.
 */
@FunctionalInterface
public interface StoreListener {
    void onEvent(StoreEvent event);
}
