package io.mcsessions.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcsessions.core.StoreConfig;
import io.mcsessions.jetty.MemcachedSessionDataStoreFactory;
import io.mcsessions.tomcat.MemcachedSessionManager;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every setting the code accepts is documented in docs/configuration.md. */
class ConfigurationReferenceTest {

    @Test
    void everySetterOfTheConfigTheManagerAndTheFactoryIsInTheReference() throws IOException {
        String reference = Files.readString(Path.of("..", "docs", "configuration.md"));
        TreeSet<String> settings = new TreeSet<>();
        for (Class<?> type : List.of(StoreConfig.class, MemcachedSessionManager.class,
                MemcachedSessionDataStoreFactory.class)) {
            for (Method method : type.getDeclaredMethods()) {
                if (Modifier.isPublic(method.getModifiers()) && method.getName().startsWith("set")
                        && method.getName().length() > 3 && method.getParameterCount() == 1) {
                    String name = method.getName().substring(3);
                    settings.add(Character.toLowerCase(name.charAt(0)) + name.substring(1));
                }
            }
        }
        assertTrue(settings.size() > 20, "found only " + settings);
        List<String> missing = new ArrayList<>();
        for (String setting : settings) {
            if (!reference.contains("`" + setting + "`")) {
                missing.add(setting);
            }
        }
        assertTrue(missing.isEmpty(), "docs/configuration.md does not document " + missing);
    }
}
