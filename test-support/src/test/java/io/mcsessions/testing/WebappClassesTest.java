package io.mcsessions.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebappClassesTest {
    private static final WebappClasses GREETER = WebappClasses.ofSource("webapp.only.Greeter", """
            package webapp.only;

            public class Greeter implements java.util.function.Supplier<String> {
                public String get() {
                    return "hello from the webapp";
                }
            }
            """);

    @Test
    void aCompiledClassIsSeenByItsLoaderOnlyAndCompiledOnce() throws Exception {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("webapp.only.Greeter"));
        try (URLClassLoader loader = GREETER.newLoader("webapp", getClass().getClassLoader())) {
            Class<?> greeter = loader.loadClass("webapp.only.Greeter");
            assertSame(loader, greeter.getClassLoader());
            Object instance = greeter.getDeclaredConstructor().newInstance();
            assertEquals("hello from the webapp", ((java.util.function.Supplier<?>) instance).get());
        }
        assertSame(GREETER.directory(), GREETER.directory());
    }

    @Test
    void copyToLaysTheClassesOutInPackageDirectories(@TempDir Path webapp) {
        GREETER.copyTo(webapp.resolve("WEB-INF/classes"));
        assertTrue(Files.isRegularFile(webapp.resolve("WEB-INF/classes/webapp/only/Greeter.class")));
    }

    @Test
    void sourcesThatDoNotCompileFailWithJavacsMessage(@TempDir Path sources) throws Exception {
        Files.writeString(sources.resolve("Broken.java"), "class Broken { int x = \"no\"; }");
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> WebappClasses.fromSources(sources, org.junit.jupiter.api.Test.class).directory());
        assertTrue(failure.getMessage().contains("do not compile") && failure.getMessage().contains("Broken.java"),
                failure.getMessage());
    }
}
