package io.mcsessions.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Every measured run of one benchmark, and the figure the report shows for each cell. */
final class Results {

    private final List<Result> all = new ArrayList<>();

    void add(Result result) {
        all.add(result);
    }

    List<Result> all() {
        return List.copyOf(all);
    }

    /** Every pass of one cell, slowest first. */
    List<Result> passes(String setup, Generator generator, Mix mix) {
        return all.stream().filter(r -> r.setup().name().equals(setup) && r.generator() == generator
                        && r.mix() == mix)
                .sorted(Comparator.comparingDouble(Result::requestsPerSecond)).toList();
    }

    /**
     * The cell's reported run: the median pass by requests/s (of an even number, the faster of the middle two). One
     * pass is reported as it came; with three or more, a pass that ran at half speed because the shared machine was
     * busy is neither shown nor hidden by picking the best.
     */
    Optional<Result> reported(String setup, Generator generator, Mix mix) {
        List<Result> passes = passes(setup, generator, mix);
        return passes.isEmpty() ? Optional.empty() : Optional.of(passes.get(passes.size() / 2));
    }

    /** Lost sessions and errors over every pass of a cell: none is hidden by the choice of the reported pass. */
    long lostSessions(String setup, Generator generator, Mix mix) {
        return passes(setup, generator, mix).stream().mapToLong(Result::lostSessions).sum();
    }

    long errors(String setup, Generator generator, Mix mix) {
        return passes(setup, generator, mix).stream().mapToLong(r -> r.load().errors()).sum();
    }

    /**
     * How many times cheaper a cell's requests were than another cell's, by the CPU they cost everyone
     * ({@link Result#totalCpuPerRequest()}): the throughput ratio two configurations would have if each had the
     * cores to itself.
     */
    Optional<Double> cpuRatio(String setup, String other, Generator generator, Mix mix) {
        Optional<Result> a = reported(setup, generator, mix);
        Optional<Result> b = reported(other, generator, mix);
        if (a.isEmpty() || b.isEmpty() || a.get().totalCpuPerRequest() <= 0) {
            return Optional.empty();
        }
        return Optional.of(b.get().totalCpuPerRequest() / a.get().totalCpuPerRequest());
    }

    /** requests/s of a cell divided by another cell's (same generator and mix), if both ran. */
    Optional<Double> ratio(String setup, String other, Generator generator, Mix mix) {
        Optional<Result> a = reported(setup, generator, mix);
        Optional<Result> b = reported(other, generator, mix);
        if (a.isEmpty() || b.isEmpty() || b.get().requestsPerSecond() == 0) {
            return Optional.empty();
        }
        return Optional.of(a.get().requestsPerSecond() / b.get().requestsPerSecond());
    }
}
