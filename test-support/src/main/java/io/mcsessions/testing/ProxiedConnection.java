package io.mcsessions.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client connection through a {@link FaultProxy}, relayed by three threads: client to server,
 * server to a queue, and queue to client. The queue lets latency delay each chunk from the moment it
 * arrived, instead of adding up across chunks, and lets a mode change reach chunks already waiting.
 * Request latency delays each client chunk on the relaying thread, so chunks that arrive while one waits
 * wait a little longer than asked: enough for a node that a client's writes reach late.
 */
final class ProxiedConnection {

    private static final int CONNECT_TIMEOUT_MILLIS = 1_000;
    private static final Chunk END = new Chunk(new byte[0], 0);

    private record Chunk(byte[] bytes, long receivedNanos) {
    }

    private final FaultProxy proxy;
    private final Socket client;
    private final Socket server = new Socket();
    private final BlockingQueue<Chunk> toClient = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    ProxiedConnection(FaultProxy proxy, Socket client) {
        this.proxy = proxy;
        this.client = client;
    }

    void start(ExecutorService threads) {
        threads.execute(() -> {
            try {
                client.setTcpNoDelay(true);
                server.connect(new InetSocketAddress(proxy.targetHost(), proxy.targetPort()), CONNECT_TIMEOUT_MILLIS);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                reset(); // the target is down: the client sees what it would see from a dead node
                return;
            }
            try {
                threads.execute(this::readServer);
                threads.execute(this::writeClient);
            } catch (RejectedExecutionException e) {
                close(); // the proxy is closing
                return;
            }
            relayClientToServer();
        });
    }

    /** Ends the connection with a TCP RST towards the client. */
    void reset() {
        try {
            client.setSoLinger(true, 0);
        } catch (IOException e) {
            // Already closed: nothing left to reset.
        }
        close();
    }

    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(client);
        closeQuietly(server);
        toClient.offer(END);
        proxy.forget(this);
    }

    private void relayClientToServer() {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = client.getInputStream();
            OutputStream out = server.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (proxy.mode() == FaultMode.BLACKHOLE) {
                    proxy.swallowed(n);
                } else {
                    proxy.awaitLatency(FaultMode.REQUEST_LATENCY, System.nanoTime());
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
        } catch (IOException e) {
            // Either side went away; closing below ends the other direction too.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    private void readServer() {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = server.getInputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                toClient.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime()));
            }
        } catch (IOException e) {
            // The server went away or the connection was closed.
        }
        toClient.add(END);
    }

    private void writeClient() {
        try {
            OutputStream out = client.getOutputStream();
            for (Chunk chunk = toClient.take(); chunk != END; chunk = toClient.take()) {
                proxy.awaitLatency(FaultMode.LATENCY, chunk.receivedNanos());
                if (!forward(chunk.bytes(), out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close();
    }

    /** Writes one server chunk as the current mode says; false once the connection has been reset. */
    private boolean forward(byte[] bytes, OutputStream out) throws IOException {
        switch (proxy.mode()) {
            case BLACKHOLE:
                return true;
            case GARBAGE:
                byte[] garbage = new byte[bytes.length];
                ThreadLocalRandom.current().nextBytes(garbage);
                out.write(garbage);
                out.flush();
                return true;
            case RESET_MID_RESPONSE:
                if (proxy.claimResetMidResponse()) {
                    out.write(bytes, 0, bytes.length / 2);
                    out.flush();
                    reset();
                    return false;
                }
                break;
            default:
                break;
        }
        out.write(bytes);
        out.flush();
        return true;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is best effort; the socket is unusable either way.
        }
    }
}
