package io.mcsessions.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A plain TCP connection for tests that must see the wire itself: timeouts, resets, partial answers. */
final class WireConnection implements AutoCloseable {

    private final Socket socket = new Socket();
    private final InputStream in;
    private final OutputStream out;

    WireConnection(String host, int port, int readTimeoutMillis) throws IOException {
        socket.connect(new InetSocketAddress(host, port), 1_000);
        socket.setSoTimeout(readTimeoutMillis);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    static WireConnection to(MemcachedNode node, int readTimeoutMillis) throws IOException {
        return new WireConnection(node.host(), node.port(), readTimeoutMillis);
    }

    static WireConnection to(FaultProxy proxy, int readTimeoutMillis) throws IOException {
        return new WireConnection(FreePorts.LOOPBACK, proxy.port(), readTimeoutMillis);
    }

    /** Changes how long a read may wait; a short one proves silence, a long one waits for a slow but due answer. */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    void send(String command) throws IOException {
        out.write(command.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    String readLine() throws IOException {
        return TextProtocolClient.readLine(in);
    }

    /** Sends {@code version} and returns the answer line. */
    String version() throws IOException {
        send("version\r\n");
        return readLine();
    }

    /** Reads one byte; -1 at end of stream. */
    int read() throws IOException {
        return in.read();
    }

    /** Reads up to {@code max} bytes, fewer if the stream ends first. */
    byte[] readUpTo(int max) throws IOException {
        return in.readNBytes(max);
    }

    /** Reads what arrives into {@code received} until the stream ends or fails, and rethrows the failure. */
    void readUntilFailure(ByteArrayOutputStream received) throws IOException {
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            received.write(buffer, 0, n);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
