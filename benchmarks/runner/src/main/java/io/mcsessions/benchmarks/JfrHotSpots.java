package io.mcsessions.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a benchmark server's CPU and allocation went, from a JFR recording of it (see performance.md, "Running and
 * profiling"): the methods most often on top of the sampled stacks, the methods of the session stores most often
 * anywhere on them, the samples by thread group, and the allocation sites by sampled bytes. Given the number of
 * requests served while it recorded, it also divides the allocation by them.
 *
 * <pre>java -cp benchmarks/runner/target/classes io.mcsessions.benchmarks.JfrHotSpots FILE.jfr [TOP [REQUESTS]]</pre>
 */
public final class JfrHotSpots {

    /** Frames of the code that stores sessions: ours, msm's, spymemcached's and the JDK parts they lean on. */
    private static final List<String> STORE_CODE = List.of("io.mcsessions.", "de.javakaffee.", "net.spy.",
            "java.security.MessageDigest", "sun.security.provider.", "java.io.ObjectOutputStream",
            "java.io.ObjectInputStream", "org.apache.catalina.session.");

    private JfrHotSpots() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrHotSpots FILE.jfr [TOP]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        long requests = args.length > 2 ? Long.parseLong(args[2]) : 0;
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> allocation = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = event.getEventType().getName();
            if (type.equals("jdk.ExecutionSample") && event.getStackTrace() != null) {
                samples++;
                threads.merge(group(event.getThread("sampledThread") == null ? "?"
                        : event.getThread("sampledThread").getJavaName()), 1L, Long::sum);
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                if (!frames.isEmpty()) {
                    self.merge(name(frames.get(0)), 1L, Long::sum);
                }
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    String name = name(frame);
                    if (seen.add(name)) {
                        inclusive.merge(name, 1L, Long::sum);
                    }
                }
            } else if (type.equals("jdk.ObjectAllocationSample")) {
                long weight = event.getLong("weight");
                allocated += weight;
                String site = event.getClass("objectClass").getName() + " <- " + site(event.getStackTrace());
                allocation.merge(site, weight, Long::sum);
            }
        }
        System.out.printf(Locale.ROOT, "%,d execution samples, %,d bytes allocated (sampled weight)%s%n%n", samples,
                allocated, requests > 0 ? String.format(Locale.ROOT, ", %,d bytes per request", allocated / requests)
                        : "");
        print("Top of stack (self)", self, samples, top, s -> true);
        print("Session-store code anywhere on the stack (inclusive)", inclusive, samples, top,
                s -> STORE_CODE.stream().anyMatch(s::startsWith));
        print("Allocation by class <- first frame outside the JDK (sampled bytes)", allocation, allocated, top,
                s -> true);
        print("Execution samples by thread group", threads, samples, top, t -> true);
    }

    private interface Filter {
        boolean keep(String name);
    }

    private static void print(String title, Map<String, Long> counts, long total, int top, Filter filter) {
        System.out.println(title);
        counts.entrySet().stream().filter(e -> filter.keep(e.getKey()))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %s%n", 100.0 * e.getValue() / total,
                        e.getKey()));
        System.out.println();
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String site(RecordedStackTrace stack) {
        if (stack == null) {
            return "?";
        }
        for (RecordedFrame frame : stack.getFrames()) {
            String name = name(frame);
            if (!name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")) {
                return name;
            }
        }
        return stack.getFrames().isEmpty() ? "?" : name(stack.getFrames().get(0));
    }

    /** Thread names without their numbers, so a pool is one line. */
    private static String group(String thread) {
        return thread.replaceAll("[0-9]+", "#");
    }
}
