package io.mcsessions.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectStreamClass;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * The one object stream every reader of session bytes uses (core's Java serializer, Kryo's Java fallback, Tomcat's
 * principal, Jetty's attributes): classes and proxy interfaces resolve through the web application's class loader
 * only (what it cannot see, a session cannot name: not the container's own classes, unless the loader shows them),
 * and a {@link SessionInputFilter} sees each class and reference as it is read and each
 * object once the stream has completed it, before the collection that holds it hashes it.
 */
public final class SessionObjectInputStream extends ObjectInputStream {
    private static final Map<String, Class<?>> PRIMITIVES = Map.of("boolean", boolean.class, "byte", byte.class,
            "char", char.class, "short", short.class, "int", int.class, "long", long.class, "float", float.class,
            "double", double.class, "void", void.class);
    private final ClassLoader classLoader;
    private final SessionInputFilter filter;

    /**
     * @param in          the serialized bytes
     * @param classLoader the web application's loader, or null for the JDK's default resolution
     * @param filter      the limits and class filter for this one payload
     */
    public SessionObjectInputStream(InputStream in, ClassLoader classLoader, SessionInputFilter filter)
            throws IOException {
        super(in);
        this.classLoader = classLoader;
        this.filter = filter;
        setObjectInputFilter(filter);
        enableResolveObject(true);
    }

    @Override
    protected Object resolveObject(Object object) throws IOException {
        return filter.checkCompleted(object);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
        if (classLoader == null) {
            return super.resolveClass(desc);
        }
        try {
            return Class.forName(desc.getName(), false, classLoader);
        } catch (ClassNotFoundException e) {
            Class<?> primitive = PRIMITIVES.get(desc.getName()); // int.class and the like have no loader
            if (primitive != null) {
                return primitive;
            }
            throw e;
        }
    }

    @Override
    @SuppressWarnings("deprecation") // ObjectInputStream itself resolves proxies this way
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException, ClassNotFoundException {
        if (classLoader == null) {
            return super.resolveProxyClass(interfaces);
        }
        Class<?>[] types = new Class<?>[interfaces.length];
        for (int i = 0; i < interfaces.length; i++) {
            types[i] = Class.forName(interfaces[i], false, classLoader);
        }
        try {
            return Proxy.getProxyClass(classLoader, types);
        } catch (IllegalArgumentException e) {
            throw new ClassNotFoundException("cannot define a proxy for " + String.join(", ", interfaces), e);
        }
    }
}
