package io.mcsessions.examples;

import io.mcsessions.testing.MemcachedCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The running demo: three memcached nodes on 127.0.0.1, two Tomcats sharing sessions, two Jettys sharing
 * sessions, all with two copies of each session, signed. Closing it stops everything it started.
 */
public final class Demo implements AutoCloseable {
    /**
     * The {@code signingKeys} of every instance of this demo run: made fresh at each launch, as a real deployment
     * makes one secret (e.g. {@code openssl rand -base64 32}) and gives it to every instance. Values the instances
     * write are signed with it, and a value planted in memcached without it is never read.
     */
    static final String SIGNING_KEY = newSigningKey();

    /** Where everything listens. */
    public record Ports(int[] memcached, int[] tomcat, int[] jetty) {
        public static Ports defaults() {
            return new Ports(new int[] {21211, 21212, 21213}, new int[] {8081, 8082}, new int[] {8091, 8092});
        }

        /** Fails with a message naming the first port that is taken and the option that moves it. */
        void checkFree() {
            check(memcached, "--memcached-ports");
            check(tomcat, "--tomcat-ports");
            check(jetty, "--jetty-ports");
        }

        private static void check(int[] ports, String option) {
            for (int port : ports) {
                try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    probe.setReuseAddress(true);
                } catch (IOException e) {
                    throw new IllegalStateException("port " + port + " on 127.0.0.1 is busy; choose other ports with "
                            + option + "=" + String.join(",", Arrays.stream(ports).map(p -> p + 100)
                            .mapToObj(String::valueOf).toList()));
                }
            }
        }
    }

    private final MemcachedCluster memcached;
    private final List<Instance> tomcats;
    private final List<Instance> jettys;

    private Demo(MemcachedCluster memcached, List<Instance> tomcats, List<Instance> jettys) {
        this.memcached = memcached;
        this.tomcats = tomcats;
        this.jettys = jettys;
    }

    /** Starts everything, or nothing: a failure stops what was already started. */
    public static Demo start(Ports ports) throws Exception {
        ports.checkFree();
        MemcachedCluster memcached = MemcachedCluster.onPorts(ports.memcached());
        List<Instance> tomcats = new ArrayList<>();
        List<Instance> jettys = new ArrayList<>();
        try {
            memcached.start();
            String nodes = memcached.nodesString();
            tomcats.add(DemoTomcat.start("tomcat-a", ports.tomcat()[0], nodes));
            tomcats.add(DemoTomcat.start("tomcat-b", ports.tomcat()[1], nodes));
            jettys.add(DemoJetty.start("jetty-a", ports.jetty()[0], nodes));
            jettys.add(DemoJetty.start("jetty-b", ports.jetty()[1], nodes));
            return new Demo(memcached, List.copyOf(tomcats), List.copyOf(jettys));
        } catch (Exception | Error e) {
            jettys.forEach(Instance::close);
            tomcats.forEach(Instance::close);
            memcached.close();
            throw e;
        }
    }

    private static String newSigningKey() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return Base64.getEncoder().encodeToString(secret);
    }

    public MemcachedCluster memcached() {
        return memcached;
    }

    public List<Instance> tomcats() {
        return tomcats;
    }

    public List<Instance> jettys() {
        return jettys;
    }

    /** Stops the web servers, then kills the memcached processes. */
    @Override
    public void close() {
        jettys.forEach(Instance::close);
        tomcats.forEach(Instance::close);
        memcached.close();
    }
}
