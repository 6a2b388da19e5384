package io.mcsessions.benchmarks.jmh;

import io.mcsessions.core.JavaSessionSerializer;
import java.io.IOException;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Java serialization of a session's attributes, each way, through the serializer both adapters use (with its
 * deserialization filter on). The serialized size is close to {@code kilobytes}; the report prints the exact one.
 */
@State(Scope.Benchmark)
public class SerializationBenchmark {

    @Param({"1", "10", "100"})
    public int kilobytes;

    private final JavaSessionSerializer serializer = new JavaSessionSerializer();
    private Map<String, Object> attributes;
    private byte[] serialized;

    @Setup
    public void prepare() throws IOException {
        attributes = SessionContents.ofKilobytes(kilobytes);
        serialized = serializer.serialize(attributes);
    }

    @Benchmark
    public byte[] serialize() throws IOException {
        return serializer.serialize(attributes);
    }

    @Benchmark
    public Map<String, Object> deserialize() throws IOException {
        return serializer.deserialize(serialized, SerializationBenchmark.class.getClassLoader());
    }
}
