package io.mcsessions.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code io.mcsessions.core.internal} is core's own: the adapters, the starter, the examples and the benchmarks use
 * the public types of {@code io.mcsessions.core} only, so core can change its internals without breaking them. (Not a
 * {@code module-info}: the adapters run on the class path of Tomcat and Jetty, where module boundaries do not hold.)
 */
class InternalPackageTest {
    @Test
    void noOtherModuleUsesCoreInternals() throws IOException {
        Path project = Path.of("").toAbsolutePath().getParent();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(project)) {
            sources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !p.startsWith(project.resolve("core")))
                    .filter(p -> !p.toString().contains("/target/"))
                    .toList();
        }
        assertTrue(sources.size() > 50, "found only " + sources.size() + " sources under " + project);
        List<String> offenders = sources.stream().filter(InternalPackageTest::usesInternals)
                .map(p -> project.relativize(p).toString()).toList();
        assertEquals(List.of(), offenders, "sources outside core that use io.mcsessions.core.internal");
    }

    private static boolean usesInternals(Path source) {
        try {
            return Files.readString(source).contains("io.mcsessions.core.internal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
