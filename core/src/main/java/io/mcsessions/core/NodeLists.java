package io.mcsessions.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code memcachedNodes} in msm's syntax, at start ({@link StoreConfig#validate()}) and for a node list given
 * at run time ({@link ReplicatedSessionStore#setMemcachedNodes}); every message names the rule and the value.
 */
final class NodeLists {
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern NODE_ENTRY =
            Pattern.compile("(?:(?<id>[^:\\[\\]]*):)?(?<host>\\[[^\\]]*]|[^:\\[\\]]*):(?<port>[^:\\[\\]]*)");
    private static final int MAX_NODES = 256;

    private NodeLists() {
    }

    static int checkRedundancy(int redundancy, int nodeCount) {
        if (redundancy < 1 || redundancy > nodeCount) {
            throw new ConfigurationException("redundancy must be between 1 and the number of nodes ("
                    + nodeCount + "), but was " + redundancy);
        }
        return redundancy;
    }

    static List<NodeAddress> parse(String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigurationException("memcachedNodes must name at least one node as id:host:port "
                    + "(e.g. n1:10.0.0.1:11211,n2:10.0.0.2:11211), but was " + ConfigValues.quote(value));
        }
        List<NodeAddress> parsed = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (String entry : value.trim().split("[,\\s]+")) {
            NodeAddress node = parseNode(entry);
            if (!ids.add(node.id())) {
                throw new ConfigurationException("memcachedNodes must not repeat a node id, but id '" + node.id()
                        + "' appears twice in " + ConfigValues.quote(value));
            }
            if (!addresses.add(node.address().toLowerCase(Locale.ROOT))) {
                throw new ConfigurationException("memcachedNodes must not repeat an address, but "
                        + node.address() + " appears twice in " + ConfigValues.quote(value));
            }
            parsed.add(node);
        }
        if (parsed.size() > MAX_NODES) {
            throw new ConfigurationException("memcachedNodes must name at most " + MAX_NODES + " nodes, but named "
                    + parsed.size());
        }
        return List.copyOf(parsed);
    }

    private static NodeAddress parseNode(String entry) {
        Matcher m = NODE_ENTRY.matcher(entry);
        if (!m.matches()) {
            throw new ConfigurationException("memcachedNodes entries must be id:host:port or host:port, but was "
                    + ConfigValues.quote(entry));
        }
        String id = m.group("id");
        String host = m.group("host");
        String port = m.group("port");
        if (id != null && !NODE_ID.matcher(id).matches()) {
            throw new ConfigurationException("memcachedNodes node ids must be 1-64 letters, digits, '.', '_' or '-', "
                    + "but was " + ConfigValues.quote(id) + " in " + ConfigValues.quote(entry));
        }
        if (!HOST.matcher(host).matches()) {
            throw new ConfigurationException("memcachedNodes hosts must be a host name or an IP address, but was "
                    + ConfigValues.quote(host) + " in " + ConfigValues.quote(entry));
        }
        int portNumber = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : -1;
        if (portNumber < 1 || portNumber > 65535) {
            throw new ConfigurationException("memcachedNodes ports must be between 1 and 65535, but was "
                    + ConfigValues.quote(port) + " in " + ConfigValues.quote(entry));
        }
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new NodeAddress(id == null ? host + ":" + portNumber : id, bareHost, portNumber);
    }
}
