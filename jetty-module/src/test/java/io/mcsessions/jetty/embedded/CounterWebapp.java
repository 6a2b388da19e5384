package io.mcsessions.jetty.embedded;

import io.mcsessions.testing.WebappClasses;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The test web application, whose classes only the webapp can see: its sources ({@code src/test/webapp-src}) are
 * compiled once per test JVM, against the servlet API of the running environment, into a directory that is on no
 * class path. A class loader over that directory plays the webapp's class loader.
 */
public final class CounterWebapp {
    /** The servlet that counts requests in the session. */
    public static final String COUNTER_SERVLET = "io.mcsessions.jetty.webapp.CounterServlet";
    /** The session attribute class only the webapp can see. */
    public static final String SESSION_COUNTER = "io.mcsessions.jetty.webapp.SessionCounter";

    private static final WebappClasses CLASSES = WebappClasses.fromSources(basedir().resolve("src/test/webapp-src"),
            jakarta.servlet.Servlet.class);

    private CounterWebapp() {
    }

    /** A fresh class loader over the webapp's classes, as a webapp's loader: the test class path is its parent. */
    public static URLClassLoader newLoader() {
        return CLASSES.newLoader("test-webapp", CounterWebapp.class.getClassLoader());
    }

    /** Lays out an exploded webapp ({@code WEB-INF/web.xml} and {@code WEB-INF/classes}) in {@code target}. */
    public static void explode(Path target) throws IOException {
        Path webInf = Files.createDirectories(target.resolve("WEB-INF"));
        Files.copy(basedir().resolve("src/test/webapp/WEB-INF/web.xml"), webInf.resolve("web.xml"));
        CLASSES.copyTo(webInf.resolve("classes"));
    }

    static Path basedir() {
        return Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();
    }
}
