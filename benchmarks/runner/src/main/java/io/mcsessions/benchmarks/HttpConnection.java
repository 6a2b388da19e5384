package io.mcsessions.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One keep-alive HTTP/1.1 connection that sends {@code GET} with a session cookie and reads the answer: just what
 * the benchmark needs, with no client library in the measured path. The request has the same headers as wrk's
 * ({@code Host} and, for a known session, {@code Cookie}).
 */
final class HttpConnection implements AutoCloseable {

    /** What came back: the status, the session cookie the server set (or null) and the body. */
    record Response(int status, String setCookie, byte[] raw) {
        /** The body as the counter servlet writes it, a decimal number, or -1 if it is not one. */
        int counter() {
            return parseCounter(raw);
        }

        String body() {
            return new String(raw, StandardCharsets.UTF_8);
        }
    }

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private final String host;
    private final int port;
    private final String cookieName;
    private final byte[] buffer = new byte[16 * 1024];
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int position;
    private int limit;

    HttpConnection(String host, int port, String cookieName) {
        this.host = host;
        this.port = port;
        this.cookieName = cookieName;
    }

    /** Sends one request for {@code path} (reconnecting first if needed) and reads the whole response. */
    Response get(String path, String sessionId) throws IOException {
        if (socket == null) {
            connect();
        }
        StringBuilder request = new StringBuilder(160).append("GET ").append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append(':').append(port).append("\r\n");
        if (sessionId != null) {
            request.append("Cookie: ").append(cookieName).append('=').append(sessionId).append("\r\n");
        }
        request.append("\r\n");
        try {
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readResponse();
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** A request with no cookie, for a page that is no session's business (the server's stats). */
    Response getText(String path) throws IOException {
        return get(path, null);
    }

    private void connect() throws IOException {
        Socket fresh = new Socket();
        fresh.setTcpNoDelay(true);
        fresh.setSoTimeout(READ_TIMEOUT_MILLIS);
        fresh.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
        socket = fresh;
        in = fresh.getInputStream();
        out = fresh.getOutputStream();
        position = 0;
        limit = 0;
    }

    private Response readResponse() throws IOException {
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = false;
        String setCookie = null;
        String cookiePrefix = cookieName + "=";
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Integer.parseInt(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                closeAfter = true;
            } else if (name.equalsIgnoreCase("Set-Cookie") && value.startsWith(cookiePrefix)) {
                int end = value.indexOf(';');
                setCookie = value.substring(cookiePrefix.length(), end < 0 ? value.length() : end);
            }
        }
        byte[] body = chunked ? readChunked() : readBytes(Math.max(contentLength, 0));
        if (closeAfter) {
            close();
        }
        return new Response(status, setCookie, body);
    }

    private static int parseCounter(byte[] body) {
        int value = 0;
        if (body.length == 0 || body.length > 9) {
            return -1;
        }
        for (byte b : body) {
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private byte[] readChunked() throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            body.writeBytes(readBytes(size));
            readLine();
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            if (position == limit) {
                fill();
            }
            byte b = buffer[position++];
            if (b == '\n') {
                int length = line.length();
                if (length > 0 && line.charAt(length - 1) == '\r') {
                    line.setLength(length - 1);
                }
                return line.toString();
            }
            line.append((char) (b & 0xff));
        }
    }

    private byte[] readBytes(int count) throws IOException {
        byte[] bytes = new byte[count];
        int copied = 0;
        while (copied < count) {
            if (position == limit) {
                fill();
            }
            int chunk = Math.min(count - copied, limit - position);
            System.arraycopy(buffer, position, bytes, copied, chunk);
            position += chunk;
            copied += chunk;
        }
        return bytes;
    }

    private void fill() throws IOException {
        int read = in.read(buffer, 0, buffer.length);
        if (read < 0) {
            throw new EOFException("the server closed the connection");
        }
        position = 0;
        limit = read;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a connection we are done with
            }
            socket = null;
        }
    }
}
