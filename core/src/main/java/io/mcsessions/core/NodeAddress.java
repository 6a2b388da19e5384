package io.mcsessions.core;

/**
 * One configured memcached node.
 *
 * @param id   the node's id from {@code memcachedNodes} ({@code host:port} when none was given)
 * @param host host name or IP address, without brackets
 * @param port TCP port
 */
public record NodeAddress(String id, String host, int port) {

    /** {@code host:port}, with brackets around an IPv6 address. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** How log lines name the node: {@code n1 (10.0.0.1:11211)}, or just the address when it is the id. */
    public String describe() {
        return id.equals(address()) ? address() : id + " (" + address() + ")";
    }
}
