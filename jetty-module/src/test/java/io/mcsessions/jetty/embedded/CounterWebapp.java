package io.mcsessions.jetty.embedded;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The test web application, whose classes only the webapp can see: its sources ({@code src/test/webapp-src}) are
 * compiled here, once per test JVM, against the servlet API of the running environment, into a directory that is
 * on no class path. A class loader over that directory plays the webapp's class loader.
 */
public final class WebappClasses {
    /** The servlet that counts requests in the session. */
    public static final String COUNTER_SERVLET = "io.mcsessions.jetty.webapp.CounterServlet";
    /** The session attribute class only the webapp can see. */
    public static final String SESSION_COUNTER = "io.mcsessions.jetty.webapp.SessionCounter";

    private static Path compiled;

    private WebappClasses() {
    }

    /** The directory of compiled webapp classes. */
    public static synchronized Path directory() {
        if (compiled == null) {
            compiled = compile();
        }
        return compiled;
    }

    /** A fresh class loader over the webapp's classes, as a webapp's loader: the test class path is its parent. */
    public static URLClassLoader newLoader() {
        try {
            return new URLClassLoader("test-webapp", new URL[] {directory().toUri().toURL()},
                    WebappClasses.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Lays out an exploded webapp ({@code WEB-INF/web.xml} and {@code WEB-INF/classes}) in {@code target}. */
    public static void explode(Path target) throws IOException {
        Path webInf = Files.createDirectories(target.resolve("WEB-INF"));
        Files.copy(basedir().resolve("src/test/webapp/WEB-INF/web.xml"), webInf.resolve("web.xml"));
        Path classes = webInf.resolve("classes");
        try (Stream<Path> files = Files.walk(directory())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path copy = classes.resolve(directory().relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
    }

    private static Path compile() {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("the tests need a JDK (javax.tools) to compile the test webapp");
        }
        try {
            Path sources = basedir().resolve("src/test/webapp-src");
            Path output = Files.createDirectories(basedir().resolve("target"))
                    .resolve("webapp-classes-" + ProcessHandle.current().pid());
            Files.createDirectories(output);
            List<String> arguments = new ArrayList<>(List.of("--release", "17", "-nowarn", "-d", output.toString(),
                    "-classpath", servletApiJar().toString()));
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(f -> f.toString().endsWith(".java")).forEach(f -> arguments.add(f.toString()));
            }
            StringWriter errors = new StringWriter();
            int status = javac.run(null, null, new java.io.PrintStream(new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    errors.write(b);
                }
            }), arguments.toArray(String[]::new));
            if (status != 0) {
                throw new IllegalStateException("the test webapp does not compile:\n" + errors);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path servletApiJar() {
        try {
            return Paths.get(jakarta.servlet.Servlet.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path basedir() {
        return Paths.get(System.getProperty("basedir", ".")).toAbsolutePath();
    }
}
