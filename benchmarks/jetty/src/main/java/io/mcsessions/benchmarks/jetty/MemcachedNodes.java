package io.mcsessions.benchmarks.jetty;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The memcached nodes of {@code --nodes}, in mcsessions' syntax: {@code id:host:port} entries (the id may be left
 * out), separated by commas or spaces. mcsessions reads the text itself; Jetty's memcached module gets the
 * addresses, in the same order.
 *
 * @param asString the option's value, as given
 * @param addresses each node's address
 */
record MemcachedNodes(String asString, List<InetSocketAddress> addresses) {

    /** Reads {@code text}; a message that names the option and the entry says what is wrong. */
    static MemcachedNodes parse(String text) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String entry : text.trim().split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            String[] parts = entry.split(":");
            if (parts.length < 2 || parts.length > 3) {
                throw new IllegalArgumentException(
                        "--nodes entries must be id:host:port (e.g. n1:127.0.0.1:11211), but one was '" + entry + "'");
            }
            String host = parts[parts.length - 2];
            int port = port(entry, parts[parts.length - 1]);
            InetSocketAddress address = new InetSocketAddress(host, port);
            if (address.isUnresolved()) {
                throw new IllegalArgumentException("--nodes host of '" + entry + "' must resolve, but '" + host
                        + "' does not");
            }
            addresses.add(address);
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("--nodes must name at least one node, but was '" + text + "'");
        }
        return new MemcachedNodes(text, List.copyOf(addresses));
    }

    private static int port(String entry, String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, with the rule
        }
        throw new IllegalArgumentException("--nodes port of '" + entry + "' must be a number from 1 to 65535, but was '"
                + text + "'");
    }
}
