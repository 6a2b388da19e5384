package io.mcsessions.core.internal;

import io.mcsessions.core.RateLimitedLog;
import io.mcsessions.core.SessionIds;
import io.mcsessions.core.StoreStats.Counter;
import java.util.function.LongSupplier;

/**
 * Turns envelopes into stored bytes (signed when the store has {@code signingKeys}) and back: the one place that
 * decodes and verifies a value, for reads, repairs, write-back, access refreshes and the status page alike.
 * Anything that does not decode, or does not verify, is reported once a minute at most and never handed on.
 */
final class EnvelopeCodec {
    /**
     * What {@link #parse} returns for a value signed with a key this instance lacks (another instance may have it, in
     * the middle of a key rotation) or altered: not an answer, and not ours to overwrite. Nothing else is this
     * instance. An unsigned value in a signed store is a miss instead, overwritten like an unreadable one.
     */
    static final SessionEnvelope UNVERIFIED = SessionEnvelope.tombstone(1, 0, 0, "unverified");

    private final EnvelopeSigner signer;
    private final StoreCounters counters;
    private final String storeName;
    private final RateLimitedLog unreadableValues;
    private final RateLimitedLog badSignatures;

    EnvelopeCodec(EnvelopeSigner signer, StoreCounters counters, String storeName, LongSupplier nanoClock) {
        this.signer = signer;
        this.counters = counters;
        this.storeName = storeName;
        System.Logger log = Logs.logger("io.mcsessions.core.Replication");
        this.unreadableValues = new RateLimitedLog(log, 60_000, nanoClock);
        this.badSignatures = new RateLimitedLog(log, 60_000, nanoClock);
    }

    /** Whether values are signed: then only verified ones ever leave {@link #parse}. */
    boolean signs() {
        return signer != null;
    }

    byte[] encode(SessionEnvelope envelope, String key) {
        return signer == null ? envelope.encode() : signer.encode(envelope, key);
    }

    /**
     * The value's envelope; null when it is not one of ours; {@link #UNVERIFIED} when its signature does not verify.
     * Callers that write compare with null only where they may take an unverified value for an unreadable one.
     */
    SessionEnvelope parse(String sessionId, String key, StoreNode node, byte[] value) {
        SessionEnvelope envelope;
        try {
            envelope = SessionEnvelope.decode(value);
        } catch (SessionEnvelope.MalformedEnvelopeException e) {
            counters.increment(Counter.UNREADABLE_VALUE);
            unreadableValues.warn(storeName + " - memcached node " + describe(node) + " holds an unreadable value for "
                    + "session " + SessionIds.shorten(sessionId) + " (" + value.length + " bytes: " + e.getMessage()
                    + "); it is treated as a miss and overwritten with the newest copy");
            return null;
        }
        if (signer != null && !signer.verify(value, envelope, key)) {
            counters.increment(Counter.SIGNATURE_REJECTED);
            if (!envelope.isSigned()) {
                badSignatures.warn(storeName + " - memcached node " + describe(node) + " holds a value for session "
                        + SessionIds.shorten(sessionId) + " without a valid signature (unsigned); it is ignored "
                        + "unread and overwritten with the newest signed copy");
                return null;
            }
            badSignatures.warn(storeName + " - memcached node " + describe(node) + " holds a value for session "
                    + SessionIds.shorten(sessionId) + " without a valid signature (signed with a key this instance "
                    + "does not have, or altered); it is ignored unread, does not count as an answer, and is left "
                    + "for the instances that have the key");
            return UNVERIFIED;
        }
        return envelope;
    }

    /** As {@link #parse}, quietly (for the status page): null, {@link #UNVERIFIED} or the envelope. */
    SessionEnvelope decodeAndVerify(byte[] value, String key) {
        try {
            SessionEnvelope envelope = SessionEnvelope.decode(value);
            if (signer != null && !signer.verify(value, envelope, key)) {
                return envelope.isSigned() ? UNVERIFIED : null;
            }
            return envelope;
        } catch (SessionEnvelope.MalformedEnvelopeException e) {
            return null;
        }
    }

    private static String describe(StoreNode node) {
        return node == null ? "(write-back)" : node.address().describe();
    }
}
