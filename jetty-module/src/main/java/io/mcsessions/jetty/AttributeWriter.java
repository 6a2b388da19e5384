package io.mcsessions.jetty;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.util.ClassVisibilityChecker;

/**
 * Writes a session's attributes in the stream format Jetty's {@code SessionData.deserializeAttributes} reads: the
 * count as an {@code Integer}, then per attribute its name, whether the server's class loader (rather than the
 * web application's) must read the value, and the value.
 *
 * <p>Jetty's own writer decides the class loader by asking the web application's loader to load each value's
 * class by name. Outside a {@code WebAppContext} (a {@code ServletContextHandler} wired in code) that happens on
 * every write, and for an array such as {@code byte[]} it always fails: a {@code ClassNotFoundException} per
 * attribute per write, taken under the class loader's per-name lock that every request thread then queues on.
 * The same decision is made here without a lookup where the answer is known: classes of the JDK and classes of a
 * loader the web application's loader delegates to are visible to it; arrays are judged by their element class.
 */
final class AttributeWriter {

    private AttributeWriter() {
    }

    static void write(SessionData data, ObjectOutputStream out) throws IOException {
        Map<String, Object> attributes = data.getAllAttributes();
        ClassLoader contextLoader = Thread.currentThread().getContextClassLoader();
        out.writeObject(attributes.size());
        for (Map.Entry<String, Object> attribute : attributes.entrySet()) {
            out.writeUTF(attribute.getKey());
            out.writeBoolean(needsServerLoader(attribute.getValue().getClass(), contextLoader));
            out.writeObject(attribute.getValue());
        }
    }

    /** Whether the value must be read with the server's class loader: the web application's cannot see its class. */
    static boolean needsServerLoader(Class<?> type, ClassLoader contextLoader) {
        Class<?> element = type;
        while (element.isArray()) {
            element = element.getComponentType();
        }
        ClassLoader loader = element.getClassLoader();
        if (loader == null || loader == contextLoader) {
            return false; // the JDK's classes (and primitives) are visible to every loader
        }
        if (contextLoader == null) {
            return true;
        }
        if (contextLoader instanceof ClassVisibilityChecker checker) {
            return !(checker.isProtectedClass(element) && !checker.isHiddenClass(element));
        }
        for (ClassLoader parent = contextLoader.getParent(); parent != null; parent = parent.getParent()) {
            if (parent == loader) {
                return false; // the web application's loader reaches it by delegation
            }
        }
        try {
            return Class.forName(element.getName(), false, contextLoader) != element;
        } catch (ClassNotFoundException | LinkageError e) {
            return true;
        }
    }
}
