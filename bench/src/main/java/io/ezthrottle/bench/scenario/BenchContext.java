package io.ezthrottle.bench.scenario;

import java.nio.file.Path;

import io.ezthrottle.bench.BenchMode;
import io.ezthrottle.bench.report.Machine;

/**
 * What every scenario gets: the mode's sizes, the machine description, where plots go (and how BENCHMARKS.md links
 * them) and where service logs go.
 *
 * @param root    directory of the output file (BENCHMARKS.md): plots are linked relative to it
 * @param results directory of the PNG plots, inside the repository
 * @param logs    directory of this run's service logs (under bench/target, never committed)
 */
public record BenchContext(BenchMode mode, Machine machine, Path root, Path results, Path logs) {

    /** The file a plot named {@code name} is written to. */
    public Path plot(String name) {
        return results.resolve(name);
    }

    /** Markdown image of plot {@code name}, linked relative to BENCHMARKS.md. */
    public String image(String name, String alt) {
        return "![" + alt + "](" + root.relativize(results.resolve(name)).toString().replace('\\', '/') + ")";
    }

    /** The provenance paragraph of a section: commit, machine, command, mode and the load right now. */
    public String provenance(String loadAtStart) {
        return machine.provenance(mode.name(), loadAtStart);
    }
}
