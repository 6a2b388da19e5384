package io.mcsessions.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.session.SessionData;
import org.eclipse.jetty.util.ClassLoadingObjectInputStream;
import org.junit.jupiter.api.Test;

class AttributeWriterTest {

    record Cart(List<String> items) implements Serializable {
    }

    /** A loader that delegates as usual and counts every lookup by name. */
    static final class CountingLoader extends ClassLoader {
        final AtomicInteger lookups = new AtomicInteger();

        CountingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            lookups.incrementAndGet();
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void jettysReaderGetsBackEveryAttribute() throws Exception {
        SessionData data = session();

        SessionData read = readBack(write(data, getClass().getClassLoader()), getClass().getClassLoader());

        assertEquals(7, read.getAttribute("counter"));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) read.getAttribute("payload"));
        assertEquals(new Cart(List.of("tea")), read.getAttribute("cart"));
        assertArrayEquals(new Cart[] {new Cart(List.of("cup"))}, (Cart[]) read.getAttribute("carts"));
        assertEquals(new ArrayList<>(List.of("a", "b")), read.getAttribute("list"));
        assertEquals(5, read.getKeys().size());
    }

    @Test
    void noClassIsLookedUpByNameWhenTheWebApplicationsLoaderReachesItByDelegation() throws Exception {
        // A ServletContextHandler wired in code: the context loader delegates to the loader of every value's class.
        // Jetty's own writer asks it to load each class by name, and fails for every array (byte[] included).
        CountingLoader contextLoader = new CountingLoader(getClass().getClassLoader());

        write(session(), contextLoader);

        assertEquals(0, contextLoader.lookups.get(), "class lookups while writing");
    }

    @Test
    void aClassTheWebApplicationCannotSeeIsMarkedForTheServersLoader() throws Exception {
        ClassLoader isolated = new ClassLoader(ClassLoader.getPlatformClassLoader()) {
        };

        assertTrue(AttributeWriter.needsServerLoader(Cart.class, isolated));
        assertTrue(AttributeWriter.needsServerLoader(Cart[][].class, isolated));
        assertFalse(AttributeWriter.needsServerLoader(byte[].class, isolated));
        assertFalse(AttributeWriter.needsServerLoader(String.class, isolated));
        assertFalse(AttributeWriter.needsServerLoader(Cart.class, Cart.class.getClassLoader()));
        assertTrue(AttributeWriter.needsServerLoader(Cart.class, null));

        SessionData read = readBack(write(session(), isolated), isolated);
        assertEquals(new Cart(List.of("tea")), read.getAttribute("cart"), "read with the server's loader");
    }

    private static SessionData session() {
        SessionData data = new SessionData("abc", "_", "0.0.0.0", 1, 1, 1, 60_000);
        data.setAttribute("counter", 7);
        data.setAttribute("payload", new byte[] {1, 2, 3});
        data.setAttribute("cart", new Cart(List.of("tea")));
        data.setAttribute("carts", new Cart[] {new Cart(List.of("cup"))});
        data.setAttribute("list", new ArrayList<>(List.of("a", "b")));
        return data;
    }

    private static byte[] write(SessionData data, ClassLoader contextLoader) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(contextLoader);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            AttributeWriter.write(data, out);
        } finally {
            thread.setContextClassLoader(previous);
        }
        return bytes.toByteArray();
    }

    private static SessionData readBack(byte[] bytes, ClassLoader contextLoader) throws Exception {
        SessionData data = new SessionData("abc", "_", "0.0.0.0", 1, 1, 1, 60_000);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(contextLoader);
        try (ClassLoadingObjectInputStream in = new ClassLoadingObjectInputStream(new ByteArrayInputStream(bytes))) {
            SessionData.deserializeAttributes(data, in);
        } finally {
            thread.setContextClassLoader(previous);
        }
        return data;
    }
}
