package io.mcsessions.examples.webapp;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The sample application's session state: a cart whose every change records which instance made it. */
public final class Cart implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One change: what was added, by which instance, when. */
    public record Change(String item, String instance, long timeMillis) implements Serializable {
    }

    private final List<Change> changes = new ArrayList<>();

    public void add(String item, String instance) {
        changes.add(new Change(item, instance, System.currentTimeMillis()));
    }

    /** How many items were added: the counter the failover tour checks only ever goes up by one. */
    public int count() {
        return changes.size();
    }

    public List<Change> changes() {
        return List.copyOf(changes);
    }
}
