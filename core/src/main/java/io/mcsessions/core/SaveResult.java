package io.mcsessions.core;

/**
 * What a save achieved. A save never throws for a node failure; it reports one of these outcomes.
 *
 * @param outcome what happened
 * @param revision the revision that was (or was meant to be) written
 * @param detail a human-readable reason when not {@link Outcome#STORED}, else empty
 */
public record SaveResult(Outcome outcome, long revision, String detail) {

    /** The outcomes of a save. */
    public enum Outcome {
        /** At least one replica acknowledged; missing copies are counted and healed by later writes and reads. */
        STORED,
        /** No replica acknowledged: the container keeps its local copy; the store writes it when a node returns. */
        DEGRADED,
        /** The value cannot be stored anywhere (e.g. larger than the item size limit); the container keeps it. */
        REJECTED
    }

    public boolean isStored() {
        return outcome == Outcome.STORED;
    }
}
