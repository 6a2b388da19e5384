package io.mcsessions.core.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rendezvous (highest random weight) hashing: for each key, a deterministic order of all nodes. Every JVM
 * computes the same order from the same node ids, and removing a node moves only the keys it held. The
 * replicas of a key are the first N nodes of its order that are up.
 *
 * @param <N> the node type
 */
public final class ReplicaPlacement<N> {
    private final List<N> nodes;
    private final long[] seeds;

    /** @param ids the nodes' configured ids, which (not the addresses) decide placement */
    public ReplicaPlacement(List<N> nodes, List<String> ids) {
        this.nodes = List.copyOf(nodes);
        this.seeds = ids.stream().mapToLong(id -> hash(id.getBytes(StandardCharsets.UTF_8), 0x9E3779B97F4A7C15L))
                .toArray();
    }

    /** All nodes, the key's preferred first. */
    public List<N> preferenceList(String key) {
        long keyHash = hash(key.getBytes(StandardCharsets.UTF_8), 0);
        int n = nodes.size();
        long[] scored = new long[n];
        for (int i = 0; i < n; i++) {
            // High bits: the node's score; low bits: its index, to recover it after sorting.
            scored[i] = (mix(keyHash ^ seeds[i]) & ~0xFFL) | i;
        }
        Arrays.sort(scored);
        List<N> ordered = new ArrayList<>(n);
        for (int i = n - 1; i >= 0; i--) {
            ordered.add(nodes.get((int) (scored[i] & 0xFF)));
        }
        return ordered;
    }

    private static long hash(byte[] bytes, long seed) {
        long h = 0xcbf29ce484222325L ^ seed; // FNV-1a, then a strong finalizer
        for (byte b : bytes) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long z) { // splitmix64 finalizer
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
