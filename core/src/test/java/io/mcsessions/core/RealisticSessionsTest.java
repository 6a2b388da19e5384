package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;

/**
 * What real sessions need of the deserialization limits: each session here is read back through the filter; its
 * depth, objects, expansion and longest path are recorded (printed at the end, and quoted in docs/how-it-works.md),
 * and must stay within half of every limit, as the limit applies to the session's size. A limit tightened below
 * what one of these needs fails here first.
 */
class RealisticSessionsTest {
    private static final ObjectInputFilter STRICT = ObjectInputFilter.Config.createFilter(
            "io.mcsessions.core.**;org.springframework.security.**;java.**;!*");
    private static final List<String> MEASURED = new ArrayList<>();

    static Stream<Arguments> sessions() {
        return Stream.of(
                session("Spring Security context, 12 authorities", RealisticSessionsTest::springSecurityContext),
                session("shopping cart of 100 items", () -> Map.of("cart", Cart.of(100))),
                session("JSF-style view state: 15 views x 200 components", RealisticSessionsTest::jsfViewState),
                session("nested maps, 10 levels x 2", () -> Map.of("tree", nestedMaps(10, 2))),
                session("nested maps, 5 levels x 6", () -> Map.of("tree", nestedMaps(5, 6))),
                session("entity graph: customer, 50 orders x 10 lines, 100 shared products",
                        () -> Map.of("customer", Customer.withOrders(50, 10, 100))),
                session("all of the above in one session", RealisticSessionsTest::everything),
                session("list of 10,000 strings and 50 KB of bytes", () -> Map.of("items", strings(10_000),
                        "bytes", new byte[50_000])),
                session("about 1 MB: 10,000 cart lines as maps", () -> Map.of("cart", cartLines(10_000))),
                session("200,000 references to one small shared object", () -> Map.of("statuses",
                        new ArrayList<>(java.util.Collections.nCopies(200_000, new Status("shipped", 3))))));
    }

    private static Arguments session(String name, Supplier<Map<String, Object>> attributes) {
        return Arguments.of(name, attributes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sessions")
    void realSessionsStayWellInsideEveryLimit(String name, Supplier<Map<String, Object>> attributes)
            throws IOException, ClassNotFoundException {
        Map<String, Object> session = attributes.get();
        byte[] payload = new JavaSessionSerializer().serialize(session);

        SessionInputFilter filter = new SessionInputFilter(payload.length, STRICT);
        long started = System.nanoTime();
        Map<String, Object> back = read(payload, filter);
        long micros = (System.nanoTime() - started) / 1_000;
        assertEquals(session.keySet(), back.keySet());
        String measured = filter.measurements();
        long depth = number(measured, "depth");
        long objects = number(measured, "objects");
        long expansion = number(measured, "largest expansion");
        long total = number(measured, "total expansion");
        long path = number(measured, "longest path");
        MEASURED.add(String.format("| %s | %,d | %d | %,d | %,d | %,d | %d | %,d µs |", name, payload.length, depth,
                objects, expansion, total, path, micros));

        assertTrue(filter.rejection() == null, filter.rejection());
        // Within a factor 2 of the limits as they apply to this payload (each at least the fixed minimum).
        assertTrue(depth * 2 <= SessionInputFilter.MAX_DEPTH, name + ": " + measured);
        assertTrue(path * 2 <= SessionInputFilter.MAX_DEPTH, name + ": " + measured);
        assertTrue(expansion * 2 <= Math.max(SessionInputFilter.MAX_EXPANSION, 4L * payload.length),
                name + ": " + measured);
        assertTrue(total * 2 <= Math.max(SessionInputFilter.MAX_TOTAL_EXPANSION, 64L * payload.length),
                name + ": " + measured);
    }

    @AfterAll
    static void printMeasurements() {
        System.out.println("| session | bytes | depth | objects | largest expansion | total expansion "
                + "| longest path | read in |");
        MEASURED.forEach(System.out::println);
    }

    private static Map<String, Object> read(byte[] payload, SessionInputFilter filter)
            throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new SessionObjectInputStream(
                new ByteArrayInputStream(payload), RealisticSessionsTest.class.getClassLoader(), filter)) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                attributes.put(in.readUTF(), in.readObject());
            }
            return attributes;
        }
    }

    private static long number(String measurements, String label) {
        for (String part : measurements.split(", ")) {
            if (part.startsWith(label + " ")) {
                return Long.parseLong(part.substring(label.length() + 1));
            }
        }
        throw new AssertionError(label + " missing in " + measurements);
    }

    // ---- the sessions ----------------------------------------------------------------------------------

    /** What Spring Security keeps under SPRING_SECURITY_CONTEXT after a form login, and a saved request's URL. */
    private static Map<String, Object> springSecurityContext() {
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (String role : List.of("USER", "ADMIN", "AUDITOR", "BILLING", "SUPPORT", "REPORTS")) {
            authorities.add(new SimpleGrantedAuthority("ROLE_" + role));
            authorities.add(new SimpleGrantedAuthority("SCOPE_" + role.toLowerCase(Locale.ROOT)));
        }
        User user = new User("alice@example.com", "", true, true, true, true, authorities);
        UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.authenticated(user, null,
                user.getAuthorities());
        token.setDetails(new LinkedHashMap<>(Map.of("remoteAddress", "10.0.0.17", "sessionId", "F00BA4")));
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("SPRING_SECURITY_CONTEXT", new SecurityContextImpl(token));
        attributes.put("SPRING_SECURITY_SAVED_REQUEST_URL", "https://shop.example.com/account/orders?page=2");
        return attributes;
    }

    /**
     * Shaped like Mojarra's server-side state saving: an LRU map of logical views, each an LRU map of actual views,
     * each an array of the component tree's structure (nested, as deep as the page) and the components' saved
     * state by client id.
     */
    private static Map<String, Object> jsfViewState() {
        Map<String, Object> logicalViews = new LinkedHashMap<>(16, 0.75f, true);
        for (int logical = 0; logical < 15; logical++) {
            Map<String, Object[]> actualViews = new LinkedHashMap<>(16, 0.75f, true);
            actualViews.put("j_id" + logical + ":1", new Object[] {componentTree(0, 12, new int[] {0}, 200),
                    componentStates(200)});
            logicalViews.put("j_id" + logical, actualViews);
        }
        return Map.of("com.sun.faces.renderkit.ServerSideStateHelper.LogicalViewMap", logicalViews);
    }

    /** A node: {type, id, children[]}; the tree is {@code depth} levels deep and holds about {@code budget} nodes. */
    private static Object[] componentTree(int level, int depth, int[] made, int budget) {
        made[0]++;
        List<Object> children = new ArrayList<>();
        int fanOut = level < depth - 1 ? (level % 3 == 0 ? 3 : 1) : 0;
        for (int i = 0; i < fanOut && made[0] < budget; i++) {
            children.add(componentTree(level + 1, depth, made, budget));
        }
        return new Object[] {"jakarta.faces.Panel", "c" + made[0], children.toArray()};
    }

    private static Map<String, Object> componentStates(int components) {
        Map<String, Object> states = new HashMap<>();
        for (int i = 0; i < components; i++) {
            states.put("form:c" + i, new Object[] {"value", "text " + i, "rendered", Boolean.TRUE, "styleClass",
                    "col-" + (i % 12), "attached", new Object[] {"jakarta.faces.validator.Length", 3, 40}});
        }
        return states;
    }

    private static Map<String, Object> nestedMaps(int levels, int fanOut) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < fanOut; i++) {
            map.put("key" + i, levels <= 1 ? "leaf " + i : nestedMaps(levels - 1, fanOut));
        }
        return map;
    }

    private static Map<String, Object> everything() {
        Map<String, Object> all = new LinkedHashMap<>(springSecurityContext());
        all.putAll(jsfViewState());
        all.put("cart", Cart.of(100));
        all.put("preferences", nestedMaps(10, 2));
        all.put("customer", Customer.withOrders(50, 10, 100));
        return all;
    }

    private static List<String> strings(int count) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add("item " + i);
        }
        return items;
    }

    private static List<Map<String, String>> cartLines(int count) {
        Random random = new Random(1);
        List<Map<String, String>> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, String> line = new HashMap<>();
            line.put("sku", "SKU-" + random.nextInt(100_000));
            line.put("qty", Integer.toString(1 + random.nextInt(9)));
            line.put("note", Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
            lines.add(line);
        }
        return lines;
    }

    record Product(String sku, String name, BigDecimal price, Set<String> tags, Map<String, String> details)
            implements Serializable {
    }

    record CartItem(Product product, int quantity) implements Serializable {
    }

    record Status(String name, int code) implements Serializable {
    }

    static final class Cart implements Serializable {
        private static final long serialVersionUID = 1L;
        final List<CartItem> items = new ArrayList<>();
        final Currency currency = Currency.getInstance("EUR");
        final Locale locale = Locale.GERMANY;
        BigDecimal total = BigDecimal.ZERO;

        static Cart of(int count) {
            Cart cart = new Cart();
            for (int i = 0; i < count; i++) {
                Product product = new Product("SKU-" + i, "Product number " + i, BigDecimal.valueOf(1999 + i, 2),
                        new LinkedHashSet<>(List.of("new", "sale", "category-" + (i % 7))),
                        new LinkedHashMap<>(Map.of("color", "blue", "size", "M")));
                cart.items.add(new CartItem(product, 1 + i % 3));
                cart.total = cart.total.add(product.price());
            }
            return cart;
        }
    }

    /** Entities with identity by id (equals and hashCode on it) and references in both directions. */
    static final class Customer implements Serializable {
        private static final long serialVersionUID = 1L;
        final long id;
        final List<Order> orders = new ArrayList<>();

        Customer(long id) {
            this.id = id;
        }

        static Customer withOrders(int orders, int lines, int products) {
            Customer customer = new Customer(7);
            List<ProductEntity> catalog = new ArrayList<>();
            for (int p = 0; p < products; p++) {
                catalog.add(new ProductEntity(p, "Product " + p));
            }
            for (int o = 0; o < orders; o++) {
                Order order = new Order(o, customer);
                for (int l = 0; l < lines; l++) {
                    order.lines.add(new OrderLine(o * 100L + l, order, catalog.get((o * lines + l) % products), 1));
                }
                customer.orders.add(order);
            }
            return customer;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Customer c && c.id == id;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id);
        }
    }

    static final class Order implements Serializable {
        private static final long serialVersionUID = 1L;
        final long id;
        final Customer customer;
        final List<OrderLine> lines = new ArrayList<>();

        Order(long id, Customer customer) {
            this.id = id;
            this.customer = customer;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Order o && o.id == id;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id);
        }
    }

    record OrderLine(long id, Order order, ProductEntity product, int quantity) implements Serializable {
        @Override
        public boolean equals(Object other) {
            return other instanceof OrderLine l && l.id == id;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(id);
        }
    }

    record ProductEntity(long id, String name) implements Serializable {
        @Override
        public boolean equals(Object other) {
            return other instanceof ProductEntity p && p.id == id;
        }

        @Override
        public int hashCode() {
            return Objects.hash(id);
        }
    }
}
