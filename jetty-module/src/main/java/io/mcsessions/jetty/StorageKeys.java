package io.mcsessions.jetty;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.eclipse.jetty.session.SessionContext;

/**
 * The memcached key prefix of one context. Jetty may give the same session id to several contexts, so each
 * context's keys carry its canonical path and virtual host, as Jetty's own stores do:
 * {@code mcs:_shop_0.0.0.0:<session id>}.
 */
final class StorageKeys {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._-]+");
    /** core allows prefixes of up to 100 characters. */
    private static final int MAX_PREFIX = 100;

    private StorageKeys() {
    }

    /**
     * {@code userPrefix + contextPath_vhost + ":"}; a context part that is not plain ASCII or would make the prefix
     * too long becomes a short hash of itself, so every context still gets its own keys.
     */
    static String prefix(String userPrefix, String canonicalContextPath, String vhost) {
        String user = userPrefix == null ? "" : userPrefix;
        String context = (canonicalContextPath == null ? "" : canonicalContextPath) + "_"
                + (vhost == null ? SessionContext.NULL_VHOST : vhost);
        if (!PLAIN.matcher(context).matches() || user.length() + context.length() + 1 > MAX_PREFIX) {
            context = "~" + sha256(context).substring(0, 16);
        }
        return user + context + ":";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
