package io.mcsessions.core.internal;

/**
 * When a copy stops being the session, and what memcached's expiration is for it. The envelope decides (last
 * access plus timeout, inside the signed bytes); memcached's TTL follows it with a little slack, as a clean-up.
 * Every method takes the store's now ({@link StoreClock#wallMillis()}): one store reads one clock.
 */
final class Expiry {
    private static final int THIRTY_DAYS_SECONDS = 30 * 24 * 3600;
    /** How far the clocks of two instances may differ before one takes a live copy for an expired one. */
    static final long CLOCK_SLACK_MILLIS = 500;
    /** memcached keeps a copy this much longer than the envelope says it lives. */
    private static final int EXPIRY_SLACK_SECONDS = 2;

    private Expiry() {
    }

    /**
     * Whether a copy is past its life at {@code nowMillis} (with {@link #CLOCK_SLACK_MILLIS} for clocks that differ):
     * memcached may still hold it for a second or two, or hold it again because someone set it back.
     */
    static boolean isExpired(SessionEnvelope copy, long nowMillis) {
        long expiresAt = copy.expiresAt();
        return expiresAt != Long.MAX_VALUE && expiresAt + CLOCK_SLACK_MILLIS < nowMillis;
    }

    /**
     * The expiration a repaired copy gets: what is left of the newest copy's life (its last access plus its
     * timeout), so that a repair never gives a session a life it no longer has. Returns 0 for a copy that never
     * expires, -1 when less than a second is left.
     */
    static int remainingLifeSeconds(SessionEnvelope copy, long nowMillis) {
        long expiresAt = copy.expiresAt();
        if (expiresAt == Long.MAX_VALUE) {
            return 0;
        }
        return expiresAt - nowMillis < 1000 ? -1 : until(expiresAt, nowMillis);
    }

    /**
     * memcached's expiration for a copy that stops being the session at {@code expiresAtMillis}: a little later,
     * so that memcached never drops a copy before every instance considers it expired (its clock counts whole
     * seconds, and ours may differ slightly).
     */
    static int until(long expiresAtMillis, long nowMillis) {
        if (expiresAtMillis == Long.MAX_VALUE) {
            return 0;
        }
        long left = Math.max(0, expiresAtMillis - nowMillis);
        return seconds((int) Math.min(Integer.MAX_VALUE - 2, (left + 999) / 1000 + EXPIRY_SLACK_SECONDS), nowMillis);
    }

    /** memcached's expiration: seconds up to 30 days, beyond that an absolute Unix time; 0 never expires. */
    static int seconds(int seconds, long nowMillis) {
        if (seconds <= 0) {
            return 0;
        }
        if (seconds <= THIRTY_DAYS_SECONDS) {
            return seconds;
        }
        return (int) Math.min(Integer.MAX_VALUE, nowMillis / 1000 + seconds);
    }
}
