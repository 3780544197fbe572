package io.ezthrottle.bench.scenario;

/** One benchmark: runs, then returns its BENCHMARKS.md section body (the harness adds the heading). */
public interface Scenario {

    /** The section title it owns in BENCHMARKS.md. */
    String title();

    /** Short name for {@code --only=}. */
    String key();

    String run(BenchContext context) throws Exception;
}
