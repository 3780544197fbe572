package io.ezthrottle.bench;

import java.time.Duration;
import java.util.List;

/**
 * The sizes of one run. {@code quick} takes a few minutes and shows every curve's shape; {@code full} uses the sizes
 * the issues name (10,000-request retry storm with a 60 s outage, 100,000-job isolation backlog, 10,000 domains,
 * one million queued jobs) and takes the better part of an hour.
 *
 * @param name                  quick or full
 * @param submissionWarmupJobs  closed-loop submissions before measuring (JIT warm-up of the API)
 * @param submissionRates       offered open-loop rates, per second, in order (stops early once saturated)
 * @param submissionStep        length of each rate step
 * @param pace2Jobs             jobs for the 2/s destination
 * @param pace50Jobs            jobs for the 50/s destination
 * @param pace1000Jobs          jobs for the 1,000/s destination
 * @param isolationBacklog      jobs queued for the busy 2/s destination
 * @param isolationProbe        how long the quiet destinations get jobs while the backlog waits
 * @param domains               destinations active at once
 * @param jobsPerDomain         jobs each of those destinations gets
 * @param stormRequests         requests of the retry storm, per contender
 * @param stormArrivalRate      rate at which those requests arrive (per second)
 * @param stormOutage           how long the upstream answers 503, in the middle of the run
 * @param scaleJobs             jobs queued with no worker running
 * @param scaleSample           jobs of that backlog that must drain, each called exactly once
 * @param scaleDrain            longest the drain of the sample may take
 */
public record BenchMode(String name, int submissionWarmupJobs, List<Integer> submissionRates, Duration submissionStep,
                        int pace2Jobs, int pace50Jobs, int pace1000Jobs, int isolationBacklog,
                        Duration isolationProbe, int domains, int jobsPerDomain, int stormRequests,
                        double stormArrivalRate, Duration stormOutage, int scaleJobs, int scaleSample,
                        Duration scaleDrain) {

    public static BenchMode quick() {
        // 20,000 warm-up jobs as in full: with 4,000 the JIT had not finished compiling the submission path, so the
        // first steps measured the interpreter (scale runs climbed from ~600/s to ~2,200/s as they warmed).
        return new BenchMode("quick", 20_000, List.of(100, 250, 500, 1_000, 2_000, 4_000, 8_000), Duration.ofSeconds(5),
                21, 251, 5_000, 20_000, Duration.ofSeconds(30), 2_000, 4,
                1_000, 100, Duration.ofSeconds(10), 100_000, 5_000, Duration.ofSeconds(120));
    }

    public static BenchMode full() {
        return new BenchMode("full", 20_000,
                List.of(250, 500, 1_000, 2_000, 3_000, 4_000, 6_000, 8_000, 10_000, 12_000), Duration.ofSeconds(15),
                61, 1_501, 30_000, 100_000, Duration.ofSeconds(60), 10_000, 4,
                10_000, 100, Duration.ofSeconds(60), 1_000_000, 20_000, Duration.ofSeconds(300));
    }

    public static BenchMode named(String name) {
        return switch (name) {
            case "quick" -> quick();
            case "full" -> full();
            default -> throw new IllegalArgumentException("mode must be quick or full, got " + name);
        };
    }
}
