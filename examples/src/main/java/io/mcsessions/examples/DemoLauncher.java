package io.mcsessions.examples;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./demo.sh [--tour] [--memcached-ports=21211,21212,21213] [--tomcat-ports=8081,8082]
 * [--jetty-ports=8091,8092]}: starts the demo and prints its URLs; Ctrl-C stops everything it started. With
 * {@code --tour}, walks through the failures in the terminal and exits.
 */
public final class DemoLauncher {
    private DemoLauncher() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Demo.Ports ports = Demo.Ports.defaults();
        boolean tour = false;
        for (String arg : args) {
            if (arg.equals("--tour")) {
                tour = true;
            } else if (arg.startsWith("--memcached-ports=")) {
                ports = new Demo.Ports(parse(arg, 3), ports.tomcat(), ports.jetty());
            } else if (arg.startsWith("--tomcat-ports=")) {
                ports = new Demo.Ports(ports.memcached(), parse(arg, 2), ports.jetty());
            } else if (arg.startsWith("--jetty-ports=")) {
                ports = new Demo.Ports(ports.memcached(), ports.tomcat(), parse(arg, 2));
            } else {
                System.err.println("unknown option " + arg + "; options: --tour --memcached-ports=a,b,c "
                        + "--tomcat-ports=a,b --jetty-ports=a,b");
                System.exit(2);
            }
        }
        Demo demo;
        try {
            demo = Demo.start(ports);
        } catch (IllegalStateException e) {
            System.err.println("The demo cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.close();
            stopped.countDown();
        }, "demo-shutdown"));
        if (tour) {
            boolean clean = new Tour(demo, out).run();
            System.exit(clean ? 0 : 1);
        }
        out.println();
        out.println("mcsessions demo is running. Sessions live on 3 memcached nodes: " + demo.memcached().nodesString());
        out.println("  Tomcat pair (shares sessions): " + demo.tomcats().get(0).url() + "/   "
                + demo.tomcats().get(1).url() + "/");
        out.println("  Jetty pair  (shares sessions): " + demo.jettys().get(0).url() + "/   "
                + demo.jettys().get(1).url() + "/");
        out.println("  Where is my session?  add /status (or /status.json) to any of them");
        out.println("  Session values are signed with a key made for this run (signingKeys), shared by all four.");
        out.println("Add items on one instance and reload the other. Ctrl-C stops everything.");
        stopped.await();
    }

    private static int[] parse(String arg, int count) {
        String value = arg.substring(arg.indexOf('=') + 1);
        try {
            int[] ports = Arrays.stream(value.split(",")).mapToInt(p -> Integer.parseInt(p.trim())).toArray();
            if (ports.length != count || Arrays.stream(ports).anyMatch(p -> p < 1 || p > 65535)) {
                throw new NumberFormatException();
            }
            return ports;
        } catch (NumberFormatException e) {
            System.err.println(arg.substring(0, arg.indexOf('=')) + " needs " + count
                    + " comma-separated ports between 1 and 65535, but was '" + value + "'");
            System.exit(2);
            return null;
        }
    }
}
