package io.mcsessions.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills, at JVM exit, every memcached process still registered, so a test run that forgets
 * {@code close()} or dies in an assertion never leaves a process behind.
 */
final class ProcessReaper {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Thread hook = new Thread(ProcessReaper::killAll, "memcached-reaper");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private ProcessReaper() {
    }

    static void register(Process process) {
        LIVE.add(process);
    }

    static void unregister(Process process) {
        LIVE.remove(process);
    }

    private static void killAll() {
        for (Process process : LIVE) {
            process.destroyForcibly();
        }
    }
}
