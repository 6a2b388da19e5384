package io.mcsessions.tomcat;

import io.mcsessions.core.SessionSerializer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.Map;

/**
 * Turns a Tomcat session into the payload core stores, and back.
 *
 * <p>Layout: a format byte, the authentication type (or an empty string), the Java-serialized principal
 * (length-prefixed; 0 when there is none or it does not serialize), then the attributes as the
 * {@link SessionSerializer} writes them. The live session is never changed: attributes are copied first, so an
 * attribute that does not serialize stays in this container (the serializer warns once per class).
 */
final class SessionCodec {
    private static final int FORMAT = 1;
    private static final System.Logger LOG = System.getLogger("io.mcsessions.tomcat.SessionCodec");

    private final SessionSerializer serializer;

    SessionCodec(SessionSerializer serializer) {
        this.serializer = serializer;
    }

    /** The payload bytes of a session and their digest, which tells a changed session from an unchanged one. */
    record Encoded(byte[] bytes, byte[] digest) {
    }

    Encoded encode(MemcachedSession session) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (DataOutputStream data = new DataOutputStream(out)) {
            data.writeByte(FORMAT);
            String authType = session.authTypeInternal();
            data.writeUTF(authType == null ? "" : authType);
            byte[] principal = serializePrincipal(session.principalInternal());
            data.writeInt(principal.length);
            data.write(principal);
            data.write(serializer.serialize(session.attributeSnapshot()));
        }
        byte[] bytes = out.toByteArray();
        return new Encoded(bytes, digest(bytes));
    }

    SessionPayload decode(byte[] bytes, ClassLoader webappLoader) throws IOException {
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
        Principal principal = principalLength == 0 ? null : deserializePrincipal(principalBytes, webappLoader);
        byte[] attributeBytes = data.readAllBytes();
        Map<String, Object> attributes = serializer.deserialize(attributeBytes, webappLoader);
        return new SessionPayload(attributes, authType.isEmpty() ? null : authType, principal);
    }

    static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static byte[] serializePrincipal(Principal principal) {
        if (!(principal instanceof Serializable)) {
            return new byte[0];
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream objects = new ObjectOutputStream(bytes)) {
            objects.writeObject(principal);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "principal of class " + principal.getClass().getName()
                    + " does not serialize; the session is stored without it", e);
            return new byte[0];
        }
        return bytes.toByteArray();
    }

    private static Principal deserializePrincipal(byte[] bytes, ClassLoader loader) throws IOException {
        try (ObjectInputStream objects = new LoaderObjectInputStream(bytes, loader)) {
            Object value = objects.readObject();
            return value instanceof Principal p ? p : null;
        } catch (ClassNotFoundException e) {
            throw new IOException("principal class " + e.getMessage() + " is not visible to the web application", e);
        }
    }

    /** Resolves classes with the web application's loader; Tomcat's principal classes are visible through it. */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(byte[] bytes, ClassLoader loader) throws IOException {
            super(new ByteArrayInputStream(bytes));
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // primitives and JDK classes resolve the default way
                }
            }
            return super.resolveClass(desc);
        }
    }
}
