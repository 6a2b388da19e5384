package io.mcsessions.testing;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Classes that only a test web application can see: compiled from source at run time, once per JVM and instance,
 * into a directory that is on no class path. Copied into a webapp's {@code WEB-INF/classes} (or loaded through
 * {@link #newLoader}), they prove that a session is deserialized with the web application's class loader: with any
 * other loader, its attributes could not be read at all.
 *
 * <pre>{@code
 * static final WebappClasses WEBAPP_ONLY = WebappClasses.ofSource("webapp.only.WebappCounter", """
 *         package webapp.only;
 *         public class WebappCounter implements java.io.Serializable { ... }
 *         """);
 * ...
 * WEBAPP_ONLY.copyTo(docBase.resolve("WEB-INF/classes"));
 * }</pre>
 *
 * <p>The directory is deleted when the JVM exits. Compiling needs a JDK ({@code javax.tools}); the classes target
 * Java 17, the project's release.
 */
public final class WebappClasses {
    private static final String RELEASE = "17";

    private final String description;
    private final List<Path> sources;
    private final List<Path> classPath;
    private Path compiled;

    private WebappClasses(String description, List<Path> sources, List<Path> classPath) {
        this.description = description;
        this.sources = sources;
        this.classPath = classPath;
    }

    /** One class, {@code className} (e.g. {@code webapp.only.WebappCounter}), from its source text. */
    public static WebappClasses ofSource(String className, String source) {
        try {
            Path root = Files.createTempDirectory("mcsessions-webapp-src");
            deleteAtExit(root);
            Path file = root.resolve(className.replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source);
            return new WebappClasses(className, List.of(file), List.of());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the source of " + className, e);
        }
    }

    /**
     * Every {@code .java} file below {@code sourceRoot}, compiled against the jars (or directories) that hold
     * {@code apis}, e.g. {@code jakarta.servlet.Servlet.class} for a webapp's servlets: the servlet API of the
     * environment the test runs in.
     */
    public static WebappClasses fromSources(Path sourceRoot, Class<?>... apis) {
        if (!Files.isDirectory(sourceRoot)) {
            throw new IllegalArgumentException("sourceRoot must be a directory of .java files, but was " + sourceRoot);
        }
        List<Path> found;
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            found = files.filter(f -> f.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the sources in " + sourceRoot, e);
        }
        List<Path> classPath = new ArrayList<>();
        for (Class<?> api : apis) {
            classPath.add(locationOf(api));
        }
        return new WebappClasses(sourceRoot.toString(), found, List.copyOf(classPath));
    }

    /** The directory of compiled classes (package directories below it); compiled on the first call. */
    public synchronized Path directory() {
        if (compiled == null) {
            compiled = compile();
        }
        return compiled;
    }

    /** Copies the compiled classes into {@code classesDirectory}, e.g. a webapp's {@code WEB-INF/classes}. */
    public void copyTo(Path classesDirectory) {
        FileTrees.copy(directory(), classesDirectory);
    }

    /**
     * A new class loader over the compiled classes, as a web application's would be, named {@code name}: it asks
     * {@code parent} first, so the test class path stays visible and the compiled classes are seen by it only.
     */
    public URLClassLoader newLoader(String name, ClassLoader parent) {
        try {
            return new URLClassLoader(name, new URL[] {directory().toUri().toURL()}, parent);
        } catch (MalformedURLException e) {
            throw new IllegalStateException("no URL for " + directory(), e);
        }
    }

    private Path compile() {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("compiling the webapp classes of " + description + " needs a JDK "
                    + "(javax.tools), but this is a JRE: " + System.getProperty("java.home"));
        }
        try {
            Path output = Files.createTempDirectory("mcsessions-webapp-classes");
            deleteAtExit(output);
            List<String> arguments = new ArrayList<>(List.of("--release", RELEASE, "-nowarn", "-d", output.toString()));
            if (!classPath.isEmpty()) {
                StringJoiner joined = new StringJoiner(File.pathSeparator);
                classPath.forEach(p -> joined.add(p.toString()));
                arguments.addAll(List.of("-classpath", joined.toString()));
            }
            sources.forEach(source -> arguments.add(source.toString()));
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            int status = javac.run(null, null, errors, arguments.toArray(String[]::new));
            if (status != 0) {
                throw new IllegalStateException("the webapp classes of " + description + " do not compile (javac exit "
                        + status + "):\n" + errors);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("could not compile the webapp classes of " + description, e);
        }
    }

    private static Path locationOf(Class<?> api) {
        CodeSource source = api.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IllegalArgumentException(api.getName() + " comes from no jar or directory (a JDK class is on "
                    + "javac's class path anyway)");
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("the location of " + api.getName() + " is no path: " + source, e);
        }
    }

    private static void deleteAtExit(Path directory) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> FileTrees.delete(directory),
                "mcsessions-delete-" + directory.getFileName()));
    }

    @Override
    public String toString() {
        return "WebappClasses(" + description + ")";
    }
}
