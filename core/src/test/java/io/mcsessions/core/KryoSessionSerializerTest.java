package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.testing.LogCapture;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;

/** What an msm Kryo user keeps in sessions round-trips; the class filter and the webapp's class loader apply. */
class KryoSessionSerializerTest {
    @RegisterExtension
    final LogCapture logs = LogCapture.forLogger("io.mcsessions");

    private final KryoSessionSerializer serializer = new KryoSessionSerializer();

    enum Tier { BASIC, GOLD }

    record Address(String street, String city) {
    }

    /** Not Serializable, no no-argument constructor: Kryo handles both, as msm's Kryo transcoder did. */
    static final class Cart {
        final String owner;
        final List<String> items = new ArrayList<>();
        final Map<String, Integer> quantities = new HashMap<>();
        Tier tier = Tier.GOLD;
        Address shipTo;
        transient Object cache = new Object();

        Cart(String owner) {
            this.owner = owner;
        }
    }

    /** Counts instances, to show that a refused class is never built. */
    public static final class Counted {
        static final AtomicInteger BUILT = new AtomicInteger();

        public Counted() {
            BUILT.incrementAndGet();
        }
    }

    static final class HoldsThread { // a JDK class that neither Kryo nor Java serialization can write
        final Thread thread = Thread.currentThread();
    }

    static final class Node {
        Node next;
    }

    @Test
    void roundTripsRealisticAttributes() throws Exception {
        Map<String, Object> attributes = realisticAttributes();
        Map<String, Object> back = serializer.deserialize(serializer.serialize(attributes), getClass().getClassLoader());

        assertEquals(attributes.keySet(), back.keySet());
        Cart cart = (Cart) back.get("cart");
        assertEquals("alice", cart.owner);
        assertEquals(List.of("book", "pen"), cart.items);
        assertEquals(Map.of("book", 1, "pen", 3), cart.quantities);
        assertEquals(Tier.GOLD, cart.tier);
        assertEquals(new Address("Main St 1", "Springfield"), cart.shipTo);
        assertEquals(null, cart.cache, "transient fields are not written");
        assertSame(cart, back.get("sameCart"), "a shared object stays shared across attributes");
        for (String name : List.of("count", "id", "big", "day", "when", "date", "uuid", "locale", "list", "set",
                "tree", "concurrent", "unmodifiable", "listOf", "setOf", "mapOf", "asList", "synchronized", "address")) {
            assertEquals(attributes.get(name), back.get(name), name);
        }
        assertArrayEquals((byte[]) attributes.get("bytes"), (byte[]) back.get("bytes"));
        assertArrayEquals((String[]) attributes.get("names"), (String[]) back.get("names"));
        assertEquals(attributes.get("host"), back.get("host"));
        Node cycle = (Node) back.get("cycle");
        assertSame(cycle, cycle.next.next, "cycles survive");
        SecurityContextImpl security = (SecurityContextImpl) back.get("SPRING_SECURITY_CONTEXT");
        assertEquals("alice", security.getAuthentication().getName());
        assertEquals(Set.of(new SimpleGrantedAuthority("ROLE_USER")),
                Set.copyOf(security.getAuthentication().getAuthorities()));
    }

    @Test
    void aSessionReadAndWrittenBackUnchangedGivesTheSameBytes() throws Exception {
        // The adapters tell a changed session from an unchanged one by the digest of these bytes.
        Map<String, Object> attributes = new TreeMap<>(realisticAttributes());
        // Written with Java serialization, which records a HashMap's table size and reads it back resized: the Java
        // serializer has the same one write too many after such a session is read.
        attributes.remove("synchronized");
        for (int entries : new int[] {3, 12, 13, 100}) {
            Map<String, Integer> map = new HashMap<>();
            Set<String> set = new HashSet<>();
            for (int i = 0; i < entries; i++) {
                map.put("key" + i * 7919, i);
                set.add("element" + i * 104729);
            }
            attributes.put("map" + entries, map);
            attributes.put("set" + entries, set);
        }
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            Map<String, Object> one = Map.of(attribute.getKey(), attribute.getValue());
            byte[] first = serializer.serialize(one);
            assertArrayEquals(first, serializer.serialize(serializer.deserialize(first, getClass().getClassLoader())),
                    attribute.getKey());
        }
        byte[] first = serializer.serialize(attributes);
        byte[] second = serializer.serialize(new TreeMap<>(serializer.deserialize(first, getClass().getClassLoader())));
        assertArrayEquals(first, second);
    }

    @Test
    void classesResolveThroughTheWebApplicationsLoader() throws Exception {
        // A loader of its own for the test classes, as a web application's: Cart from it is another class.
        Path classes = Path.of(Cart.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (URLClassLoader webapp = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            Class<?> webappCart = webapp.loadClass(Cart.class.getName());
            var constructor = webappCart.getDeclaredConstructor(String.class);
            constructor.setAccessible(true);
            byte[] payload = serializer.serialize(Map.of("cart", constructor.newInstance("bob")));

            Object read = serializer.deserialize(payload, webapp).get("cart");
            assertSame(webappCart, read.getClass());
            assertNotSame(Cart.class, read.getClass());

            ClassLoader isolated = new ClassLoader(null) {
            };
            IOException invisible = assertThrows(IOException.class, () -> serializer.deserialize(payload, isolated));
            assertTrue(invisible.getMessage().contains("class " + Cart.class.getName() + " is not visible to the web "
                    + "application"), invisible.getMessage());
        }
    }

    @Test
    void theDeserializationFilterRefusesAClassBeforeAnyObjectOfItIsBuilt() throws Exception {
        KryoSessionSerializer strict = new KryoSessionSerializer(ObjectInputFilter.Config.createFilter("java.**;!*"));
        byte[] payload = serializer.serialize(Map.of("user", "alice", "counted", new Counted()));
        int built = Counted.BUILT.get();

        IOException refused = assertThrows(IOException.class,
                () -> strict.deserialize(payload, getClass().getClassLoader()));

        assertTrue(refused.getMessage().contains("the deserialization filter rejected the session: class "
                + Counted.class.getName() + " is not allowed by deserializationFilter"), refused.getMessage());
        assertEquals(built, Counted.BUILT.get());
        assertEquals(Map.of("user", "alice"), strict.deserialize(serializer.serialize(Map.of("user", "alice")), null));
    }

    @Test
    void theFilterAppliesToPartsWrittenWithJavaSerialization() throws Exception {
        // Collections.unmodifiableList is written with Java serialization inside the Kryo payload.
        KryoSessionSerializer strict = new KryoSessionSerializer(
                ObjectInputFilter.Config.createFilter("java.util.Collections$*;java.lang.*;!*"));
        byte[] payload = serializer.serialize(Map.of("list", Collections.unmodifiableList(
                new ArrayList<>(List.of("a")))));
        IOException refused = assertThrows(IOException.class, () -> strict.deserialize(payload, null));
        assertTrue(refused.getMessage().contains("java.util.ArrayList is not allowed by deserializationFilter"),
                refused.getMessage());
    }

    @Test
    void attributesKryoCannotWriteAreLeftOutWithOneWarningPerClass() throws IOException {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("user", "alice");
        attributes.put("worker", new HoldsThread());
        for (int i = 0; i < 3; i++) {
            assertEquals(Map.of("user", "alice"), serializer.deserialize(serializer.serialize(attributes), null));
        }
        assertEquals(1, logs.count(Level.WARNING, "session attribute 'worker' of class "
                + HoldsThread.class.getName() + " cannot be serialized with Kryo"), logs.dump());
    }

    @Test
    void sessionsWrittenWithJavaSerializationAreStillRead() throws IOException {
        // A rolling switch from serializer="java" to "kryo": sessions written before it keep working.
        byte[] java = new JavaSessionSerializer().serialize(Map.of("count", 7));
        assertEquals(Map.of("count", 7), serializer.deserialize(java, null));
        IOException kryoOnJava = assertThrows(IOException.class,
                () -> new JavaSessionSerializer().deserialize(serializer.serialize(Map.of("count", 7)), null));
        assertTrue(kryoOnJava.getMessage().contains("serializer=kryo"), kryoOnJava.getMessage());
    }

    @Test
    void damagedPayloadsAreIoExceptions() throws Exception {
        assertThrows(IOException.class, () -> serializer.deserialize(new byte[] {1, 2, 3}, null));
        assertThrows(IOException.class, () -> serializer.deserialize(PayloadFormats.KRYO_MAGIC.clone(), null));
        byte[] good = serializer.serialize(realisticAttributes());
        for (int cut = 5; cut < good.length; cut += 97) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThrows(IOException.class, () -> serializer.deserialize(truncated, getClass().getClassLoader()));
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(IOException.class, () -> serializer.deserialize(longer, getClass().getClassLoader()));
    }

    @Test
    void manyThreadsShareOneSerializer() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        Cart cart = new Cart("user" + thread);
                        cart.items.add("item" + i);
                        Map<String, Object> back = serializer.deserialize(serializer.serialize(Map.of("cart", cart)),
                                getClass().getClassLoader());
                        Cart read = (Cart) back.get("cart");
                        assertEquals("user" + thread, read.owner);
                        assertEquals(List.of("item" + i), read.items);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    static Map<String, Object> realisticAttributes() throws Exception {
        Cart cart = new Cart("alice");
        cart.items.addAll(List.of("book", "pen"));
        cart.quantities.put("book", 1);
        cart.quantities.put("pen", 3);
        cart.shipTo = new Address("Main St 1", "Springfield");
        Node cycle = new Node();
        cycle.next = new Node();
        cycle.next.next = cycle;
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("cart", cart);
        attributes.put("sameCart", cart);
        attributes.put("count", 42);
        attributes.put("id", 123_456_789_012L);
        attributes.put("big", new BigDecimal("19.99"));
        attributes.put("day", LocalDate.of(2025, 3, 14));
        attributes.put("when", Instant.ofEpochSecond(1_700_000_000L, 5));
        attributes.put("date", new Date(1_700_000_000_000L));
        attributes.put("uuid", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        attributes.put("locale", Locale.GERMANY);
        attributes.put("list", new ArrayList<>(List.of("a", "b")));
        attributes.put("set", new HashSet<>(Set.of(1, 2, 3)));
        attributes.put("tree", new TreeMap<>(Map.of("x", 1, "y", 2)));
        attributes.put("concurrent", new ConcurrentHashMap<>(Map.of("k", "v")));
        attributes.put("unmodifiable", Collections.unmodifiableList(new ArrayList<>(List.of("u"))));
        attributes.put("synchronized", Collections.synchronizedMap(new HashMap<>(Map.of("s", 1))));
        attributes.put("listOf", List.of("l1", "l2"));
        attributes.put("setOf", Set.of("s1"));
        attributes.put("mapOf", Map.of("m", 1));
        attributes.put("asList", Arrays.asList("p", "q"));
        attributes.put("bytes", new byte[] {1, 2, 3});
        attributes.put("names", new String[] {"n1", null, "n3"});
        attributes.put("address", new Address("Elm St 2", "Shelbyville"));
        attributes.put("host", InetAddress.getByAddress("db", new byte[] {127, 0, 0, 1}));
        attributes.put("cycle", cycle);
        attributes.put("SPRING_SECURITY_CONTEXT", new SecurityContextImpl(new UsernamePasswordAuthenticationToken(
                User.withUsername("alice").password("{noop}secret").roles("USER").build(), null,
                List.of(new SimpleGrantedAuthority("ROLE_USER")))));
        return attributes;
    }
}
