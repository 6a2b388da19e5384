package io.mcsessions.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Maps session ids to memcached keys. Ids made of the characters containers use (letters, digits,
 * {@code . _ - + / =}) become {@code prefix + id}; any other id (spaces, control characters, non-ASCII, too
 * long for memcached's 250-byte keys) becomes {@code prefix + "~" + sha256(id)}, so no id reaches memcached
 * unchecked and distinct ids never share a key. The two forms cannot collide: '~' is not a plain-id character.
 */
public final class SessionKeys {
    private static final int MAX_KEY_BYTES = 250;
    private static final String LOCK_SUFFIX = "~lock";

    private final String prefix;

    public SessionKeys(String prefix) {
        this.prefix = prefix;
    }

    public String sessionKey(String sessionId) {
        if (sessionId == null) {
            throw new IllegalArgumentException("session id must not be null");
        }
        if (prefix.length() + sessionId.length() + LOCK_SUFFIX.length() <= MAX_KEY_BYTES && isPlain(sessionId)) {
            return prefix + sessionId;
        }
        return prefix + "~" + sha256(sessionId);
    }

    /** Whether the id is made of {@code [A-Za-z0-9._+/=-]} only (a loop: a regex per key showed in profiles). */
    static boolean isPlain(String id) {
        if (id.isEmpty()) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '+' || c == '/' || c == '=' || c == '-';
            if (!plain) {
                return false;
            }
        }
        return true;
    }

    /** The key of the session's lock; '~' keeps it apart from every session key. */
    public String lockKey(String sessionId) {
        return sessionKey(sessionId) + LOCK_SUFFIX;
    }

    private static String sha256(String id) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
