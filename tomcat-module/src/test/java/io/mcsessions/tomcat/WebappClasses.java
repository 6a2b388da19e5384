package io.mcsessions.tomcat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles, once per JVM, a class that only the web application can see: it lives in the webapp's
 * WEB-INF/classes and nowhere on the test class path, so a session holding it can only be deserialized with
 * the web application's class loader.
 */
final class WebappClasses {
    static final String COUNTER_CLASS = "webapp.only.WebappCounter";
    private static final String SOURCE = """
            package webapp.only;

            public class WebappCounter implements java.io.Serializable {
                private static final long serialVersionUID = 1L;
                private int count;

                public int increment() {
                    return ++count;
                }

                public int get() {
                    return count;
                }
            }
            """;
    private static Path classes;

    private WebappClasses() {
    }

    /** A directory holding {@code webapp/only/WebappCounter.class}. */
    static synchronized Path compiled() {
        if (classes != null) {
            return classes;
        }
        try {
            Path sources = Files.createTempDirectory("mcsessions-webapp-src");
            Path source = sources.resolve("WebappCounter.java");
            Files.writeString(source, SOURCE);
            Path out = Files.createTempDirectory("mcsessions-webapp-classes");
            JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
            int exit = compiler.run(null, null, null, "-d", out.toString(), "--release", "17", source.toString());
            if (exit != 0) {
                throw new IllegalStateException("javac failed on the webapp-only class (exit " + exit + ")");
            }
            classes = out;
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a docBase with the webapp-only class in WEB-INF/classes. */
    static Path newDocBase() {
        try {
            Path docBase = Files.createTempDirectory("mcsessions-docbase");
            Path target = docBase.resolve("WEB-INF/classes");
            Path from = compiled();
            try (var files = Files.walk(from)) {
                for (Path file : files.toList()) {
                    Path to = target.resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(file, to);
                    }
                }
            }
            return docBase;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var files = Files.walk(root)) {
            for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // leftovers in /tmp are harmless
        }
    }

    static List<String> names() {
        return List.of(COUNTER_CLASS);
    }
}
