package io.mcsessions.benchmarks.jmh;

import io.mcsessions.core.LoadResult;
import io.mcsessions.core.ReplicatedSessionStore;
import io.mcsessions.core.Revisions;
import io.mcsessions.core.SaveResult;
import io.mcsessions.core.SessionRecord;
import io.mcsessions.core.StoreConfig;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One save and one load of a 1 KB session through {@link ReplicatedSessionStore}, against the real memcached nodes
 * named by the system property {@value Nodes#PROPERTY}, with {@code redundancy} copies. Compare with
 * {@link RawSpymemcachedBenchmark}: one plain set and get on one node.
 */
@State(Scope.Benchmark)
public class StoreBenchmark {

    @Param({"1", "2", "3"})
    public int redundancy;

    private ReplicatedSessionStore store;
    private byte[] payload;
    private long revision;

    @Setup(Level.Trial)
    public void start() {
        StoreConfig config = new StoreConfig();
        config.setMemcachedNodes(Nodes.fromSystemProperty());
        config.setRedundancy(redundancy);
        config.setStoreName("jmh");
        config.setStorageKeyPrefix("jmh:");
        store = ReplicatedSessionStore.start(config);
        payload = SessionContents.payload(1024);
    }

    @TearDown(Level.Trial)
    public void stop() {
        store.close();
    }

    @Benchmark
    public LoadResult saveAndLoad() {
        revision = Revisions.next(revision);
        long now = System.currentTimeMillis();
        SaveResult saved = store.save(new SessionRecord("jmh-session", revision, now, now, 1800, payload));
        if (!saved.isStored()) {
            throw new IllegalStateException("the benchmark's save was not stored: " + saved);
        }
        LoadResult loaded = store.load("jmh-session");
        if (!loaded.isFound()) {
            throw new IllegalStateException("the benchmark's load found no session: " + loaded);
        }
        return loaded;
    }
}
