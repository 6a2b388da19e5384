package io.mcsessions.benchmarks.msm;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The command line of {@link MsmBenchServer}: {@code --port=P --setup=NAME --nodes=id:host:port,...}. Parsing
 * rejects anything else with a message that names the argument, the rule and the value.
 */
record ServerArguments(int port, BenchSetup setup, List<MemcachedNode> nodes) {

    static final String USAGE = "usage: MsmBenchServer --port=P --setup=NAME [--nodes=id:host:port,...]"
            + " (setups: " + BenchSetup.names() + "; --nodes is required for the msm setups)";

    // msm's own rule for node ids (MemcachedNodesManager): word characters only, as the id ends the session id.
    private static final Pattern NODE_ID = Pattern.compile("\\w+");

    /** One memcached server as msm names it in {@code memcachedNodes}. */
    record MemcachedNode(String id, String host, int port) {

        /** The node in msm's syntax, {@code id:host:port}. */
        @Override
        public String toString() {
            return id + ":" + host + ":" + port;
        }
    }

    ServerArguments {
        nodes = List.copyOf(nodes);
    }

    /**
     * Reads the command line.
     *
     * @throws IllegalArgumentException naming what is wrong, for an unknown, repeated, missing or malformed argument
     */
    static ServerArguments parse(String[] args) {
        String port = null;
        String setup = null;
        String nodes = null;
        for (String arg : args) {
            if (arg.startsWith("--port=")) {
                port = once("--port", port, arg);
            } else if (arg.startsWith("--setup=")) {
                setup = once("--setup", setup, arg);
            } else if (arg.startsWith("--nodes=")) {
                nodes = once("--nodes", nodes, arg);
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg + "'");
            }
        }
        if (port == null) {
            throw new IllegalArgumentException("--port is required");
        }
        if (setup == null) {
            throw new IllegalArgumentException("--setup is required");
        }
        BenchSetup benchSetup = BenchSetup.named(setup);
        List<MemcachedNode> memcachedNodes = nodes == null ? List.of() : parseNodes(nodes);
        if (benchSetup.usesMemcached() && memcachedNodes.isEmpty()) {
            throw new IllegalArgumentException("--nodes is required for setup " + benchSetup.setupName());
        }
        return new ServerArguments(parsePort(port), benchSetup, memcachedNodes);
    }

    /** The nodes in msm's {@code memcachedNodes} syntax: {@code n1:host:port,n2:host:port,...}. */
    String memcachedNodes() {
        return nodes.stream().map(MemcachedNode::toString).collect(Collectors.joining(","));
    }

    private static String once(String name, String previous, String arg) {
        if (previous != null) {
            throw new IllegalArgumentException(name + " must be given once, but was given again as '" + arg + "'");
        }
        return arg.substring(name.length() + 1);
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below with the rule
        }
        throw new IllegalArgumentException("--port must be an integer between 1 and 65535, but was '" + value + "'");
    }

    private static List<MemcachedNode> parseNodes(String value) {
        List<MemcachedNode> nodes = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String[] entries = value.split(",", -1);
        for (int i = 0; i < entries.length; i++) {
            MemcachedNode node = parseNode(entries[i], i + 1);
            if (!ids.add(node.id())) {
                throw new IllegalArgumentException("--nodes ids must be unique, but '" + node.id() + "' appears twice");
            }
            nodes.add(node);
        }
        return nodes;
    }

    private static MemcachedNode parseNode(String entry, int position) {
        String[] parts = entry.split(":", -1);
        String rule = "--nodes must be comma separated id:host:port entries with a word-character id and a port"
                + " between 1 and 65535, but entry " + position + " was '" + entry + "'";
        if (parts.length != 3 || !NODE_ID.matcher(parts[0]).matches() || parts[1].isEmpty()) {
            throw new IllegalArgumentException(rule);
        }
        try {
            return new MemcachedNode(parts[0], parts[1], parsePort(parts[2]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(rule, e);
        }
    }
}
