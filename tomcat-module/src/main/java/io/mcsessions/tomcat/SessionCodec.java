package io.mcsessions.tomcat;

import io.mcsessions.core.PayloadBuffer;
import io.mcsessions.core.SessionInputFilter;
import io.mcsessions.core.SessionObjectInputStream;
import io.mcsessions.core.SessionSerializer;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Turns a Tomcat session into the payload core stores, and back.
 *
 * <p>Layout: a format byte, the authentication type (or an empty string), the Java-serialized principal
 * (length-prefixed; 0 when there is none or it does not serialize), then the attributes as the
 * {@link SessionSerializer} writes them. The live session is never changed: attributes are copied first, so an
 * attribute that does not serialize stays in this container (the serializer warns once per class).
 *
 * <p>The login (principal and authentication type) is read only from a signed value, unless
 * {@code trustUnsignedPrincipal}: Tomcat's authenticator takes the principal of a session it finds as the request's
 * login, with its roles, so an unsigned value, which anyone who can write to memcached can plant, would log its
 * author in as anybody. Without the login the rest of the session still loads; the user logs in again.
 */
final class SessionCodec {
    private static final int FORMAT = 1;
    private static final System.Logger LOG = System.getLogger("io.mcsessions.tomcat.SessionCodec");

    /** The principal classes Tomcat's realms store ({@code GenericPrincipal} writes itself as the nested one). */
    private static final Set<String> TOMCAT_PRINCIPALS = Set.of("org.apache.catalina.realm.GenericPrincipal",
            "org.apache.catalina.realm.GenericPrincipal$SerializablePrincipal");

    private final SessionSerializer serializer;
    private final ObjectInputFilter classFilter;
    private final boolean trustUnsignedPrincipal;
    private final String storeName;
    /** {@code sessionAttributeFilter}: the names of the attributes written to memcached; null: all. */
    private final Pattern storedAttributes;
    /** Set once a login has been dropped: the first is a WARNING, the rest are DEBUG (one state, one warning). */
    private final AtomicBoolean droppedALogin = new AtomicBoolean();

    /** A codec that restores logins from signed values only, for tests. */
    SessionCodec(SessionSerializer serializer, ObjectInputFilter classFilter) {
        this(serializer, classFilter, false, "mcsessions", null);
    }

    /**
     * @param serializer             writes and reads the attributes
     * @param classFilter            the configured {@code deserializationFilter} (null: any class), applied to the
     *                               principal; Tomcat's own principal classes are always allowed
     * @param trustUnsignedPrincipal whether a login is restored from a value that was not signed as well
     * @param storeName              starts the log lines
     * @param storedAttributes       {@code sessionAttributeFilter}: which attribute names are written (null: all)
     */
    SessionCodec(SessionSerializer serializer, ObjectInputFilter classFilter, boolean trustUnsignedPrincipal,
                 String storeName, Pattern storedAttributes) {
        this.storedAttributes = storedAttributes;
        this.serializer = serializer;
        this.classFilter = classFilter;
        this.trustUnsignedPrincipal = trustUnsignedPrincipal;
        this.storeName = storeName;
    }

    /** The payload bytes of a session and their digest, which tells a changed session from an unchanged one. */
    record Encoded(byte[] bytes, byte[] digest) {
    }

    Encoded encode(MemcachedSession session) throws IOException {
        PayloadBuffer out = PayloadBuffer.acquire();
        try {
            encode(session, out);
            return new Encoded(out.toByteArray(), out.digest());
        } finally {
            out.release();
        }
    }

    /** Writes the payload of {@code session} into {@code out}; its digest is {@code out.digest()}. */
    void encode(MemcachedSession session, PayloadBuffer out) throws IOException {
        out.write(FORMAT);
        String authType = session.authTypeInternal();
        writeUtf(authType == null ? "" : authType, out);
        writePrincipal(session.principalInternal(), out);
        serializer.serialize(storedAttributes(session.attributeSnapshot()), out);
    }

    private static void writeUtf(String value, PayloadBuffer out) throws IOException {
        if (value.isEmpty()) {
            out.write(0);
            out.write(0);
            return;
        }
        new DataOutputStream(out).writeUTF(value);
    }

    /**
     * The attributes {@code sessionAttributeFilter} lets through (msm's semantics: the whole name must match). The
     * others stay in this Tomcat's session, and do not count as a change: the digest is of what is written.
     */
    private Map<String, Object> storedAttributes(Map<String, Object> attributes) {
        if (storedAttributes != null) {
            attributes.keySet().removeIf(name -> !storedAttributes.matcher(name).matches());
        }
        return attributes;
    }

    /**
     * Reads a payload loaded from memcached.
     *
     * @param signed whether the value carried a valid signature ({@code LoadResult.signed()}); the login is read
     *               only then, or with {@code trustUnsignedPrincipal}
     */
    SessionPayload decode(byte[] bytes, ClassLoader webappLoader, boolean signed) throws IOException {
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes));
        int format = data.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException("unknown payload format " + format + " (this version writes " + FORMAT + ")");
        }
        String authType = data.readUTF();
        int principalLength = data.readInt();
        if (principalLength < 0 || principalLength > data.available()) {
            throw new IOException("damaged payload: principal of " + principalLength + " bytes announced");
        }
        byte[] principalBytes = data.readNBytes(principalLength);
        Principal principal = null;
        if (principalLength > 0 && (signed || trustUnsignedPrincipal)) {
            principal = deserializePrincipal(principalBytes, webappLoader, classFilter);
        } else if (principalLength > 0) {
            droppedLogin(); // never deserialized: it is whatever the value's author wanted it to be
            authType = "";
        }
        byte[] attributeBytes = data.readAllBytes();
        Map<String, Object> attributes = serializer.deserialize(attributeBytes, webappLoader);
        return new SessionPayload(attributes, authType.isEmpty() ? null : authType, principal);
    }

    private void droppedLogin() {
        String message = storeName + " - a session read from memcached was not signed, so the login it carries is "
                + "not restored: the user logs in again on this Tomcat. Anyone who can write to memcached could have "
                + "planted it. To keep logins across Tomcats, set signingKeys (the same key on every Tomcat); or set "
                + "trustUnsignedPrincipal=\"true\" if nothing but your Tomcats can write to the memcached nodes.";
        if (droppedALogin.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, message + " Further dropped logins are logged at DEBUG.");
        } else {
            LOG.log(System.Logger.Level.DEBUG, message);
        }
    }

    /** The principal, length first (0 when there is none or it does not serialize). */
    private static void writePrincipal(Principal principal, PayloadBuffer out) {
        int lengthAt = out.size();
        out.writeInt(0);
        if (!(principal instanceof Serializable)) {
            return;
        }
        try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(principal);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "principal of class " + principal.getClass().getName()
                    + " does not serialize; the session is stored without it", e);
            out.truncate(lengthAt + 4);
            return;
        }
        out.putInt(lengthAt, out.size() - lengthAt - 4);
    }

    /**
     * Reads the principal under the same limits as the attributes (these bytes come from memcached, so they are
     * filtered before any object is built, and each object is checked once complete), with Tomcat's own principal
     * class allowed.
     */
    private static Principal deserializePrincipal(byte[] bytes, ClassLoader loader, ObjectInputFilter classFilter)
            throws IOException {
        ObjectInputFilter allowTomcat = classFilter == null ? null : info -> info.serialClass() != null
                && TOMCAT_PRINCIPALS.contains(info.serialClass().getName()) ? ObjectInputFilter.Status.ALLOWED
                : classFilter.checkInput(info);
        SessionInputFilter filter = new SessionInputFilter(bytes.length, allowTomcat);
        try (ObjectInputStream objects = new SessionObjectInputStream(new ByteArrayInputStream(bytes), loader, filter)) {
            Object value = objects.readObject();
            return value instanceof Principal p ? p : null;
        } catch (ObjectStreamException e) { // the filter's rejections, and damaged streams
            if (filter.rejection() != null) {
                throw new IOException("the deserialization filter rejected the principal: " + filter.rejection(), e);
            }
            throw e;
        } catch (ClassNotFoundException e) {
            throw new IOException("principal class " + e.getMessage() + " is not visible to the web application", e);
        }
    }
}
