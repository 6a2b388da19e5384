package io.mcsessions.benchmarks.tomcat;

import io.mcsessions.benchmarks.webapp.CounterServlet;
import io.mcsessions.benchmarks.webapp.ServerArgs;
import io.mcsessions.benchmarks.webapp.StatsServlet;
import io.mcsessions.tomcat.MemcachedSessionManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.Context;
import org.apache.catalina.session.StandardManager;
import org.apache.catalina.startup.Tomcat;

/**
 * Embedded Tomcat 11 serving {@link CounterServlet} for the end-to-end benchmark.
 *
 * <p>Setups: {@code tomcat11-standard} (Tomcat's in-memory StandardManager, the ceiling) and
 * {@code tomcat11-mcsessions-<sticky|nonsticky>-n<redundancy>[-sync|-async]} (our Manager over the given nodes,
 * everything else at its default, as a context.xml with only these attributes would have it).
 */
public final class TomcatBenchServer {

    private static final Pattern OURS =
            Pattern.compile("tomcat11-mcsessions-(sticky|nonsticky)-n([1-9])(-sync|-async)?");
    private static final String KNOWN = "tomcat11-standard, tomcat11-mcsessions-nonsticky-n<N>, "
            + "tomcat11-mcsessions-sticky-n<N>-sync, tomcat11-mcsessions-sticky-n<N>-async";

    private TomcatBenchServer() {
    }

    public static void main(String[] argv) throws Exception {
        ServerArgs args = ServerArgs.parse(argv);
        quietLogging();

        Path base = Files.createTempDirectory("mcsessions-bench-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(args.port());
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext(ServerArgs.CONTEXT_PATH,
                Files.createDirectories(base.resolve("docs")).toString());
        context.setSessionTimeout(30);
        context.setManager(manager(args));
        Tomcat.addServlet(context, "counter", new CounterServlet());
        context.addServletMappingDecoded(ServerArgs.SERVLET_PATH, "counter");
        context.addServletMappingDecoded(ServerArgs.READ_PATH, "counter");
        Tomcat.addServlet(context, "stats", new StatsServlet());
        context.addServletMappingDecoded(ServerArgs.STATS_PATH, "stats");

        ServerArgs.exitWhenStdinCloses(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception e) {
                System.err.println("benchmark server: stopping Tomcat failed: " + e);
            }
        });
        tomcat.start();
        args.announceReady();
        tomcat.getServer().await();
    }

    private static org.apache.catalina.Manager manager(ServerArgs args) {
        if (args.setup().equals("tomcat11-standard")) {
            StandardManager standard = new StandardManager();
            standard.setPathname(null); // nothing kept across restarts: a pure in-memory ceiling
            return standard;
        }
        Matcher ours = OURS.matcher(args.setup());
        if (!ours.matches()) {
            ServerArgs.unknownSetup(args.setup(), KNOWN);
        }
        MemcachedSessionManager manager = new MemcachedSessionManager();
        manager.setMemcachedNodes(args.nodes());
        manager.setSticky(ours.group(1).equals("sticky"));
        manager.setRedundancy(Integer.parseInt(ours.group(2)));
        manager.setSessionBackupAsync("-async".equals(ours.group(3)));
        return manager;
    }

    /** Tomcat at WARNING, ours at INFO (its failover warnings belong in the run's log), all on stderr. */
    private static void quietLogging() {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        ConsoleHandler stderr = new ConsoleHandler();
        stderr.setLevel(Level.ALL);
        root.addHandler(stderr);
        root.setLevel(Level.WARNING);
        Logger.getLogger("io.mcsessions").setLevel(Level.INFO);
    }
}
