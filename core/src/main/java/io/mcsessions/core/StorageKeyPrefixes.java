package io.mcsessions.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Key prefixes that keep applications on the same memcached nodes apart, derived from names a container gives
 * (host, context path, virtual host). A name that is not plain ASCII, or would make the prefix longer than
 * memcached keys allow, becomes a short hash of itself: never truncated or altered character by character, so two
 * different applications can never end up with one prefix.
 */
public final class StorageKeyPrefixes {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._/:-]*");
    /** The longest {@code storageKeyPrefix} a store accepts (memcached keys are at most 250 bytes). */
    public static final int MAX_LENGTH = 100;

    private StorageKeyPrefixes() {
    }

    /** {@code base + context + ":"}, the context hashed if it is not plain or does not fit. */
    public static String forContext(String base, String context) {
        String prefix = base == null ? "" : base;
        return prefix + plainOrHashed(context, MAX_LENGTH - prefix.length() - 1) + ":";
    }

    /** {@code text} when it is plain and at most {@code room} characters, else {@code "~"} and 16 hex digits of its hash. */
    public static String plainOrHashed(String text, int room) {
        String name = text == null ? "" : text;
        if (PLAIN.matcher(name).matches() && name.length() <= room) {
            return name;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return "~" + HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
