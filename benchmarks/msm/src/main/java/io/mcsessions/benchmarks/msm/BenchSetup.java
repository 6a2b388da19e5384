package io.mcsessions.benchmarks.msm;

import de.javakaffee.web.msm.MemcachedBackupSessionManager;
import org.apache.catalina.Manager;
import org.apache.catalina.session.StandardManager;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The session managers the runner can ask for by name ({@code --setup=NAME}). Every msm setup keeps msm's
 * defaults (Java serialization transcoder, 100 ms sync backup timeout, no failover nodes, statistics on) except
 * for the settings named here.
 */
enum BenchSetup {

    /** Tomcat's own in-memory manager: the ceiling, nothing leaves the JVM. */
    TOMCAT9_STANDARD("tomcat9-standard", false) {
        @Override
        Manager createManager(ServerArguments arguments) {
            StandardManager manager = new StandardManager();
            // No SESSIONS.ser on stop and no reload on start: every run starts empty.
            manager.setPathname(null);
            return manager;
        }
    },

    /** msm sticky, the response is sent before the session is written (msm's default mode). */
    MSM_STICKY_ASYNC("msm-sticky-async", true) {
        @Override
        Manager createManager(ServerArguments arguments) {
            return msm(arguments, true, true);
        }
    },

    /** msm sticky, the request waits for the session write (up to msm's sessionBackupTimeout). */
    MSM_STICKY_SYNC("msm-sticky-sync", true) {
        @Override
        Manager createManager(ServerArguments arguments) {
            return msm(arguments, true, false);
        }
    },

    /**
     * msm non-sticky: every request loads the session from memcached and writes it back, to a primary and a
     * backup node. Backup is synchronous as in msm's documented non-sticky configuration: msm drops its local copy
     * after each request, so an asynchronous write would let the next request read the previous version.
     */
    MSM_NONSTICKY("msm-nonsticky", true) {
        @Override
        Manager createManager(ServerArguments arguments) {
            MemcachedBackupSessionManager manager = msm(arguments, false, false);
            // No session locking: the same as our store's default, and msm's default for non-sticky.
            manager.setLockingMode("none");
            return manager;
        }
    };

    private final String setupName;
    private final boolean usesMemcached;

    BenchSetup(String setupName, boolean usesMemcached) {
        this.setupName = setupName;
        this.usesMemcached = usesMemcached;
    }

    /** A new, unstarted manager for the context, configured for this setup. */
    abstract Manager createManager(ServerArguments arguments);

    /** The name the runner passes as {@code --setup}. */
    String setupName() {
        return setupName;
    }

    /** Whether this setup needs {@code --nodes}. */
    boolean usesMemcached() {
        return usesMemcached;
    }

    /**
     * The setup with this name.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    static BenchSetup named(String name) {
        for (BenchSetup setup : values()) {
            if (setup.setupName.equals(name)) {
                return setup;
            }
        }
        throw new IllegalArgumentException("--setup must be one of " + names() + ", but was '" + name + "'");
    }

    static String names() {
        return Arrays.stream(values()).map(BenchSetup::setupName).collect(Collectors.joining(", "));
    }

    private static MemcachedBackupSessionManager msm(ServerArguments arguments, boolean sticky, boolean backupAsync) {
        MemcachedBackupSessionManager manager = new MemcachedBackupSessionManager();
        manager.setMemcachedNodes(arguments.memcachedNodes());
        manager.setSticky(sticky);
        manager.setSessionBackupAsync(backupAsync);
        // msm defaults to the text protocol; our store speaks binary, so both pay for the same protocol.
        manager.setMemcachedProtocol("binary");
        return manager;
    }
}
