package io.mcsessions.benchmarks.jmh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.spy.memcached.BinaryConnectionFactory;
import net.spy.memcached.MemcachedClient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The floor: one set and one get of the same 1 KB value on the first node, with a plain spymemcached client
 * (binary protocol, as the store uses), waiting for each like the store waits.
 */
@State(Scope.Benchmark)
public class RawSpymemcachedBenchmark {

    private MemcachedClient client;
    private byte[] payload;

    @Setup(Level.Trial)
    public void start() throws IOException {
        String first = Nodes.fromSystemProperty().split(",")[0];
        String[] parts = first.split(":");
        InetSocketAddress address = new InetSocketAddress(parts[1], Integer.parseInt(parts[2]));
        client = new MemcachedClient(new BinaryConnectionFactory(), List.of(address));
        payload = SessionContents.payload(1024);
    }

    @TearDown(Level.Trial)
    public void stop() {
        client.shutdown(1, TimeUnit.SECONDS);
    }

    @Benchmark
    public Object setAndGet() throws InterruptedException, ExecutionException, TimeoutException {
        if (!client.set("raw:session", 1800, payload).get(1, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the raw set was not stored");
        }
        Object value = client.get("raw:session");
        if (value == null) {
            throw new IllegalStateException("the raw get found nothing");
        }
        return value;
    }
}
