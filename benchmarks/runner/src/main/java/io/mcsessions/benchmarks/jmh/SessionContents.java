package io.mcsessions.benchmarks.jmh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Session attributes shaped like a web shop's: a few scalars and a cart of small maps, of a chosen size. */
final class SessionContents {

    private SessionContents() {
    }

    /**
     * Attributes whose Java serialization takes about {@code kilobytes} KB: a counter, a user name, and cart lines
     * of about 100 bytes each.
     */
    static Map<String, Object> ofKilobytes(int kilobytes) {
        Random random = new Random(kilobytes);
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("counter", 42);
        attributes.put("user", "customer-" + random.nextInt(1_000_000));
        List<Map<String, String>> cart = new ArrayList<>();
        int lines = Math.max(1, (kilobytes * 1024 - 300) / 100);
        for (int i = 0; i < lines; i++) {
            Map<String, String> line = new HashMap<>();
            line.put("sku", "SKU-" + random.nextInt(100_000));
            line.put("qty", Integer.toString(1 + random.nextInt(9)));
            line.put("note", Long.toHexString(random.nextLong()));
            cart.add(line);
        }
        attributes.put("cart", (java.io.Serializable) cart);
        return attributes;
    }

    /** A payload of exactly {@code bytes} random bytes, as a serialized session would be for the store. */
    static byte[] payload(int bytes) {
        byte[] payload = new byte[bytes];
        new Random(bytes).nextBytes(payload);
        return payload;
    }
}
