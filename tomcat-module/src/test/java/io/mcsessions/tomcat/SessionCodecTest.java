package io.mcsessions.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.JavaSessionSerializer;
import io.mcsessions.testing.SerializationBombs;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.realm.GenericPrincipal;
import org.junit.jupiter.api.Test;

/** The payload of a Tomcat session: what comes back from memcached is filtered before any object is built. */
class SessionCodecTest {
    private static final ObjectInputFilter APPLICATION_ONLY = ObjectInputFilter.Config.createFilter("java.**;!*");
    static final AtomicBoolean EVIL_BUILT = new AtomicBoolean();

    /** A principal class that no deserialization filter of the application allows. */
    static final class EvilPrincipal implements Principal, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public String getName() {
            return "evil";
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            EVIL_BUILT.set(true);
            in.defaultReadObject();
        }
    }

    private static byte[] encodeWithPrincipal(Principal principal) throws IOException {
        MemcachedSessionManager manager = new MemcachedSessionManager();
        manager.setContext(new StandardContext()); // not started: only what setAttribute consults
        MemcachedSession session = new MemcachedSession(manager);
        session.setValid(true);
        session.setAuthType("FORM");
        session.setPrincipal(principal);
        session.setAttribute("cart", "3 items", false);
        return new SessionCodec(new JavaSessionSerializer(), null).encode(session).bytes();
    }

    @Test
    void principalOfAClassTheFilterRejectsIsNeverBuilt() throws IOException {
        byte[] payload = encodeWithPrincipal(new EvilPrincipal());
        SessionCodec filtered = new SessionCodec(new JavaSessionSerializer(APPLICATION_ONLY), APPLICATION_ONLY);
        EVIL_BUILT.set(false);
        IOException rejected = assertThrows(IOException.class,
                () -> filtered.decode(payload, getClass().getClassLoader(), true));
        assertTrue(rejected.getMessage().contains("rejected the principal: class " + EvilPrincipal.class.getName()
                + " is not allowed by deserializationFilter"), rejected.getMessage());
        assertFalse(EVIL_BUILT.get(), "the rejected principal was built");
    }

    @Test
    void tomcatsOwnPrincipalPassesAFilterThatAllowsOnlyTheApplicationsClasses() throws IOException {
        byte[] payload = encodeWithPrincipal(new GenericPrincipal("alice", List.of("buyer")));
        SessionCodec filtered = new SessionCodec(new JavaSessionSerializer(APPLICATION_ONLY), APPLICATION_ONLY);
        SessionPayload decoded = filtered.decode(payload, getClass().getClassLoader(), true);
        assertEquals("alice", decoded.principal().getName());
        assertTrue(((GenericPrincipal) decoded.principal()).hasRole("buyer"));
        assertEquals("FORM", decoded.authType());
        assertEquals("3 items", decoded.attributes().get("cart"));
    }

    @Test
    void withoutAFilterThePrincipalStillRoundTrips() throws IOException {
        byte[] payload = encodeWithPrincipal(new EvilPrincipal());
        SessionPayload decoded = new SessionCodec(new JavaSessionSerializer(), null)
                .decode(payload, getClass().getClassLoader(), true);
        assertEquals("evil", decoded.principal().getName());
    }

    @Test
    void theLoginOfAnUnsignedValueIsNeverBuilt() throws IOException {
        byte[] payload = encodeWithPrincipal(new EvilPrincipal());
        EVIL_BUILT.set(false);
        SessionPayload decoded = new SessionCodec(new JavaSessionSerializer(), null)
                .decode(payload, getClass().getClassLoader(), false);
        assertNull(decoded.principal());
        assertNull(decoded.authType());
        assertEquals("3 items", decoded.attributes().get("cart"), "the rest of the session loads");
        assertFalse(EVIL_BUILT.get(), "the principal of an unsigned value was deserialized");
    }

    @Test
    void trustUnsignedPrincipalRestoresTheLoginOfAnUnsignedValue() throws IOException {
        byte[] payload = encodeWithPrincipal(new GenericPrincipal("alice", List.of("buyer")));
        SessionPayload decoded = new SessionCodec(new JavaSessionSerializer(APPLICATION_ONLY), APPLICATION_ONLY, true,
                "/app", null).decode(payload, getClass().getClassLoader(), false);
        assertEquals("alice", decoded.principal().getName());
        assertEquals("FORM", decoded.authType());
    }

    @Test
    void aNestedSetBombInTheAttributesIsRefusedInBoundedTime() throws IOException {
        byte[] payload = payload(new byte[0], Map.of("bomb", SerializationBombs.nestedHashSets(100)));
        SessionCodec filtered = new SessionCodec(new JavaSessionSerializer(APPLICATION_ONLY), APPLICATION_ONLY);
        IOException refused = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(IOException.class,
                () -> filtered.decode(payload, getClass().getClassLoader(), true)));
        assertTrue(refused.getMessage().contains("rejected the session: an object expands to more than 1000000 "
                + "objects"), refused.getMessage());
    }

    @Test
    void aNestedSetBombInThePlaceOfThePrincipalIsRefusedInBoundedTime() throws IOException {
        byte[] principal = SerializationBombs.serialize(SerializationBombs.nestedHashSets(100));
        byte[] payload = payload(principal, Map.of());
        SessionCodec filtered = new SessionCodec(new JavaSessionSerializer(APPLICATION_ONLY), APPLICATION_ONLY);
        IOException refused = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(IOException.class,
                () -> filtered.decode(payload, getClass().getClassLoader(), true))); // signed: the principal is read
        assertTrue(refused.getMessage().contains("rejected the principal: an object expands to more than 1000000 "
                + "objects"), refused.getMessage());
    }

    /** A payload in the codec's layout with the given principal bytes and attributes. */
    private static byte[] payload(byte[] principal, Map<String, Object> attributes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF("FORM");
            out.writeInt(principal.length);
            out.write(principal);
            out.write(new JavaSessionSerializer().serialize(attributes));
        }
        return bytes.toByteArray();
    }
}
