package io.mcsessions.benchmarks;

import java.util.Locale;

/**
 * What the requests of a run do with their session. Both load generators pick, for every request, a random
 * session and then, with the mix's write share, the writing path ({@code /bench/hit}: the counter goes up) or the
 * reading one ({@code /bench/read}: the counter and the 1 KB attribute are only read).
 */
enum Mix {
    /** Every request increments the counter, so every request changes the session. */
    WRITES("writes", "every request writes", 1.0),
    /** 90% of the requests only read the session; 10% increment the counter. */
    READS_90("reads90", "90% of requests only read", 0.1);

    static final String WRITE_PATH = "/bench/hit";
    static final String READ_PATH = "/bench/read";

    private final String key;
    private final String label;
    private final double writeShare;

    Mix(String key, String label, double writeShare) {
        this.key = key;
        this.label = label;
        this.writeShare = writeShare;
    }

    /** The name used in options and file names. */
    String key() {
        return key;
    }

    /** What the report calls it. */
    String label() {
        return label;
    }

    /** The share of requests that take the writing path, from 0 to 1. */
    double writeShare() {
        return writeShare;
    }

    /** The share as wrk's script reads it (a plain decimal, whatever the default locale). */
    String writeShareText() {
        return String.format(Locale.ROOT, "%.4f", writeShare);
    }

    static Mix named(String key) {
        for (Mix mix : values()) {
            if (mix.key.equals(key)) {
                return mix;
            }
        }
        throw new IllegalArgumentException("--mixes must name mixes among writes, reads90, but one was '" + key + "'");
    }
}
