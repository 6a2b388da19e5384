package io.mcsessions.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal memcached text-protocol client, deliberately independent of the product's client so a
 * test can check what the product really wrote. Each call opens its own short-lived connection with
 * short timeouts, so a hung or dead server makes the call fail quickly instead of hanging.
 */
final class TextProtocolClient {

    private static final int MAX_KEY_BYTES = 250;

    private final String host;
    private final int port;
    private final int timeoutMillis;

    TextProtocolClient(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** A stored value with its flags. */
    record Item(byte[] value, int flags) {
    }

    Item get(String key) throws IOException {
        byte[] command = ascii("get " + checkKey(key) + "\r\n");
        return exchange(command, in -> {
            String line = readLine(in);
            if (line.equals("END")) {
                return null;
            }
            String[] parts = line.split(" ");
            if (parts.length < 4 || !parts[0].equals("VALUE")) {
                throw unexpected("get " + key, line);
            }
            int flags = Integer.parseUnsignedInt(parts[2]);
            byte[] value = in.readNBytes(Integer.parseInt(parts[3]));
            expectLine(in, "", "get " + key);
            expectLine(in, "END", "get " + key);
            return new Item(value, flags);
        });
    }

    void set(String key, byte[] value, int flags, int ttlSeconds) throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream(value.length + 64);
        command.writeBytes(ascii("set " + checkKey(key) + " " + Integer.toUnsignedString(flags) + " " + ttlSeconds
                + " " + value.length + "\r\n"));
        command.writeBytes(value);
        command.writeBytes(ascii("\r\n"));
        exchange(command.toByteArray(), in -> expectLine(in, "STORED", "set " + key));
    }

    boolean delete(String key) throws IOException {
        return exchange(ascii("delete " + checkKey(key) + "\r\n"), in -> {
            String line = readLine(in);
            if (line.equals("DELETED")) {
                return true;
            }
            if (line.equals("NOT_FOUND")) {
                return false;
            }
            throw unexpected("delete " + key, line);
        });
    }

    void flushAll() throws IOException {
        exchange(ascii("flush_all\r\n"), in -> expectLine(in, "OK", "flush_all"));
    }

    String version() throws IOException {
        return exchange(ascii("version\r\n"), in -> {
            String line = readLine(in);
            if (!line.startsWith("VERSION ")) {
                throw unexpected("version", line);
            }
            return line.substring("VERSION ".length());
        });
    }

    Map<String, String> stats() throws IOException {
        return exchange(ascii("stats\r\n"), in -> {
            Map<String, String> stats = new LinkedHashMap<>();
            for (String line = readLine(in); !line.equals("END"); line = readLine(in)) {
                String[] parts = line.split(" ", 3);
                if (parts.length != 3 || !parts[0].equals("STAT")) {
                    throw unexpected("stats", line);
                }
                stats.put(parts[1], parts[2]);
            }
            return stats;
        });
    }

    private interface ResponseReader<T> {
        T read(InputStream in) throws IOException;
    }

    private <T> T exchange(byte[] command, ResponseReader<T> reader) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(command);
            out.flush();
            return reader.read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    private static Void expectLine(InputStream in, String expected, String command) throws IOException {
        String line = readLine(in);
        if (!line.equals(expected)) {
            throw unexpected(command, line);
        }
        return null;
    }

    private static IllegalStateException unexpected(String command, String line) {
        return new IllegalStateException("memcached answered '" + line + "' to '" + command + "'");
    }

    /** Reads one CRLF-terminated line, without the terminator. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed before end of line");
            }
            if (previous == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
            line.write(b);
            previous = b;
        }
    }

    private static String checkKey(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0 || bytes.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("key must be 1 to " + MAX_KEY_BYTES + " bytes, but was " + bytes.length);
        }
        for (byte b : bytes) {
            if ((b & 0xff) <= ' ' || b == 0x7f) {
                throw new IllegalArgumentException("key must not contain spaces or control characters, but was '" + key + "'");
            }
        }
        return key;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
