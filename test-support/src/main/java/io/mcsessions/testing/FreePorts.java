package io.mcsessions.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out loopback ports that were free a moment ago. A port handed out once is never handed out
 * again by this JVM, so two clusters or proxies in one test run cannot be given the same port.
 */
final class FreePorts {

    static final String LOOPBACK = "127.0.0.1";

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port nothing listens on right now, never returned before by this JVM. */
    static int next() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = bindAndRelease();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on " + LOOPBACK + " after 100 attempts");
    }

    /** Records a port bound by other means (port 0), so {@link #next()} never hands it out later. */
    static void reserve(int port) {
        HANDED_OUT.add(port);
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByName(LOOPBACK);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int bindAndRelease() {
        try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind an ephemeral port on " + LOOPBACK, e);
        }
    }
}
