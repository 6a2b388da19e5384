package io.mcsessions.benchmarks;

import java.util.List;

/**
 * One configuration of the end-to-end run.
 *
 * @param name        the server's {@code --setup} name, also the row's key
 * @param label       what the report calls it
 * @param module      the server module under {@code benchmarks/}
 * @param mainClass   the server's main class
 * @param family      the container, for grouping and colours
 * @param ceiling     the setup whose requests/s this row is divided by
 */
record Setup(String name, String label, String module, String mainClass, String family, String ceiling) {

    static final String TOMCAT11_CEILING = "tomcat11-standard";
    static final String JETTY_CEILING = "jetty-memory";
    /** The setup that is also run with one node paused. */
    static final String PAUSED_BASE = "tomcat11-mcsessions-nonsticky-n2";
    static final String OURS_STICKY_ASYNC = "tomcat11-mcsessions-sticky-n2-async";
    static final String OURS_STICKY_ASYNC_N1 = "tomcat11-mcsessions-sticky-n1-async";
    static final String MSM_STICKY_ASYNC = "msm-sticky-async";
    static final String MSM_NONSTICKY = "msm-nonsticky";
    /** The setups whose heap per session the heap run measures. */
    static final List<String> HEAP_SETUPS = List.of(TOMCAT11_CEILING, PAUSED_BASE, OURS_STICKY_ASYNC, MSM_NONSTICKY,
            MSM_STICKY_ASYNC);

    private static final String TOMCAT = "io.mcsessions.benchmarks.tomcat.TomcatBenchServer";
    private static final String MSM = "io.mcsessions.benchmarks.msm.MsmBenchServer";
    private static final String JETTY = "io.mcsessions.benchmarks.jetty.JettyBenchServer";

    /** Every configuration, in the order they run and are reported. */
    static final List<Setup> ALL = List.of(
            tomcat11("tomcat11-standard", "Tomcat 11 StandardManager (in memory)"),
            tomcat11("tomcat11-mcsessions-nonsticky-n1", "mcsessions non-sticky, N=1"),
            tomcat11(PAUSED_BASE, "mcsessions non-sticky, N=2"),
            tomcat11("tomcat11-mcsessions-nonsticky-n3", "mcsessions non-sticky, N=3"),
            tomcat11("tomcat11-mcsessions-sticky-n1-sync", "mcsessions sticky, N=1, sync writes"),
            tomcat11("tomcat11-mcsessions-sticky-n1-async", "mcsessions sticky, N=1, async writes"),
            tomcat11("tomcat11-mcsessions-sticky-n2-sync", "mcsessions sticky, N=2, sync writes"),
            tomcat11("tomcat11-mcsessions-sticky-n2-async", "mcsessions sticky, N=2, async writes"),
            tomcat9("tomcat9-standard", "Tomcat 9 StandardManager (in memory)"),
            tomcat9("msm-sticky-async", "msm 2.3.2 sticky, async"),
            tomcat9("msm-sticky-sync", "msm 2.3.2 sticky, sync"),
            tomcat9("msm-nonsticky", "msm 2.3.2 non-sticky"),
            jetty("jetty-memory", "Jetty DefaultSessionCache + NullSessionDataStore (in memory)"),
            jetty("jetty-mcsessions-null", "mcsessions, NullSessionCache, N=2"),
            jetty("jetty-mcsessions-default", "mcsessions, DefaultSessionCache, N=2"),
            jetty("jetty-memcached-null", "jetty-memcached-sessions, NullSessionCache"),
            jetty("jetty-memcached-default", "jetty-memcached-sessions, DefaultSessionCache"));

    private static Setup tomcat11(String name, String label) {
        return new Setup(name, label, "tomcat", TOMCAT, "Tomcat 11", TOMCAT11_CEILING);
    }

    /** msm runs on Tomcat 9; its rows are divided by the Tomcat 11 ceiling, as the goals are stated. */
    private static Setup tomcat9(String name, String label) {
        return new Setup(name, label, "msm", MSM, "Tomcat 9", TOMCAT11_CEILING);
    }

    private static Setup jetty(String name, String label) {
        return new Setup(name, label, "jetty", JETTY, "Jetty 12.1", JETTY_CEILING);
    }

    static Setup named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no benchmark setup named '" + name + "'; known: "
                        + ALL.stream().map(Setup::name).toList()));
    }
}
