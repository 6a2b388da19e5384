package io.mcsessions.benchmarks.jmh;

import io.mcsessions.core.JavaSessionSerializer;
import io.mcsessions.core.PayloadBuffer;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What telling a changed session from an unchanged one costs, per serialized session of about {@code kilobytes}:
 * the SHA-256 digest the Tomcat adapter takes (issue 14 asked for the cheaper design, defended with figures), against
 * the alternatives it was weighed with. {@code arraysEquals} compares with the last written bytes, which would have
 * to be kept per session; {@code arraysHashCode} is msm's 32-bit change check; {@code crc32c} is the cheapest
 * checksum the JDK has. The last two are not candidates (32 bits, and either is easy to collide on purpose); they
 * show how far below SHA-256 a hash can go.
 */
@State(Scope.Benchmark)
public class ChangeDetectionBenchmark {

    @Param({"1", "10", "100"})
    public int kilobytes;

    private byte[] payload;
    private byte[] lastWritten;

    @Setup
    public void prepare() throws IOException {
        payload = new JavaSessionSerializer().serialize(SessionContents.ofKilobytes(kilobytes));
        lastWritten = payload.clone();
    }

    @Benchmark
    public byte[] sha256() {
        return PayloadBuffer.sha256(payload);
    }

    @Benchmark
    public boolean arraysEquals() {
        return Arrays.equals(payload, lastWritten);
    }

    @Benchmark
    public int arraysHashCode() {
        return Arrays.hashCode(payload);
    }

    @Benchmark
    public long crc32c() {
        CRC32C crc = new CRC32C();
        crc.update(payload, 0, payload.length);
        return crc.getValue();
    }
}
