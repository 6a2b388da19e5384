package io.mcsessions.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Finds the memcached executable: {@code MEMCACHED_BIN}, then the usual install paths, then {@code PATH}. */
final class MemcachedBinary {

    static final String NOT_INSTALLED = "memcached is not installed: run 'sudo apt-get install -y memcached'"
            + " (Debian/Ubuntu) or set MEMCACHED_BIN to its path";

    private static final List<Path> WELL_KNOWN = List.of(Path.of("/usr/bin/memcached"), Path.of("/usr/local/bin/memcached"));

    private MemcachedBinary() {
    }

    /** The memcached executable of this machine, or an {@link IllegalStateException} that says how to install it. */
    static Path locate() {
        return locate(System.getenv(), WELL_KNOWN);
    }

    static Path locate(Map<String, String> env, List<Path> wellKnown) {
        List<Path> candidates = new ArrayList<>();
        String configured = env.get("MEMCACHED_BIN");
        if (configured != null && !configured.isBlank()) {
            candidates.add(Path.of(configured.trim()));
        }
        candidates.addAll(wellKnown);
        String path = env.get("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir, "memcached"));
                }
            }
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(NOT_INSTALLED);
    }
}
