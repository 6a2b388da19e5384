package io.mcsessions.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 signatures of stored values. The first key signs; every key verifies, so keys can be rotated by
 * putting the new key first and removing the old one once no copy signed with it can be alive.
 *
 * <p>The MAC covers the memcached key (so a value cannot be moved to another session) and every byte of the
 * envelope except the MAC itself. A value without a valid MAC is rejected before its payload is handed to
 * anyone, so a planted value never reaches deserialization.
 */
public final class EnvelopeSigner {
    /** Length of an HMAC-SHA256. */
    public static final int MAC_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final List<SecretKeySpec> keys;
    private final ThreadLocal<Mac[]> macs;

    public EnvelopeSigner(List<String> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one key is needed to sign");
        }
        this.keys = keys.stream().map(k -> new SecretKeySpec(k.getBytes(StandardCharsets.UTF_8), ALGORITHM)).toList();
        this.macs = ThreadLocal.withInitial(() -> {
            Mac[] perKey = new Mac[this.keys.size()];
            for (int i = 0; i < perKey.length; i++) {
                try {
                    perKey[i] = Mac.getInstance(ALGORITHM);
                    perKey[i].init(this.keys.get(i));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("every JVM has " + ALGORITHM, e);
                }
            }
            return perKey;
        });
    }

    /** Encodes the envelope with a MAC under the first key. */
    public byte[] encode(SessionEnvelope envelope, String storageKey) {
        byte[] value = envelope.withMac(new byte[MAC_LENGTH]).encode(); // zeroed MAC while computing it
        byte[] mac = compute(macs.get()[0], storageKey, value);
        System.arraycopy(mac, 0, value, SessionEnvelope.macOffset(value), MAC_LENGTH);
        return value;
    }

    /** Whether a decoded value carries a MAC that one of the keys made for this storage key. */
    public boolean verify(byte[] value, SessionEnvelope decoded, String storageKey) {
        if (!decoded.isSigned() || decoded.mac().length != MAC_LENGTH) {
            return false;
        }
        byte[] zeroed = value.clone();
        Arrays.fill(zeroed, SessionEnvelope.macOffset(value), SessionEnvelope.macOffset(value) + MAC_LENGTH, (byte) 0);
        for (Mac mac : macs.get()) {
            if (MessageDigest.isEqual(compute(mac, storageKey, zeroed), decoded.mac())) {
                return true;
            }
        }
        return false;
    }

    private static byte[] compute(Mac mac, String storageKey, byte[] value) {
        mac.update(storageKey.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return mac.doFinal(value);
    }
}
