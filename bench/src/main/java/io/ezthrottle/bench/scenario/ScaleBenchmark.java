package io.ezthrottle.bench.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.ezthrottle.bench.load.ClosedLoopRun;
import io.ezthrottle.bench.load.HttpLoadClient;
import io.ezthrottle.bench.platform.Platform;
import io.ezthrottle.bench.report.Charts;
import io.ezthrottle.bench.report.Machine;
import io.ezthrottle.bench.report.Table;
import io.ezthrottle.bench.stub.NettyStub;
import reactor.core.publisher.Mono;

/**
 * A large backlog: jobs submitted as fast as the API takes them (closed loop) with no worker running, Redis memory
 * per queued job, the acceptance rate as the backlog grows; then three workers start and the first jobs of the
 * backlog (the sample) must all reach their upstream, each exactly once.
 */
public final class ScaleBenchmark implements Scenario {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int DESTINATIONS = 20;
    private static final int SLICES = 20;
    private static final int CHECKED = 200;

    @Override
    public String title() {
        return "Scale";
    }

    @Override
    public String key() {
        return "scale";
    }

    @Override
    public String run(BenchContext ctx) {
        String load = Machine.load();
        String run = UUID.randomUUID().toString().substring(0, 8);
        int jobs = ctx.mode().scaleJobs();
        int sample = Math.min(jobs, ctx.mode().scaleSample());
        try (NettyStub upstream = NettyStub.start(DESTINATIONS, 2);
             Platform platform = new Platform("scale", ctx.logs(),
                     // the drain is bounded by worker CPU, not by pace: that is what is measured
                     "--ezthrottle.pacing.default-rps=1000", "--ezthrottle.pacing.default-max-concurrent=200")) {
            platform.startApi();
            HttpLoadClient api = new HttpLoadClient(platform.apiUrl(), platform.apiKey, 256);
            long memoryBefore = platform.redis().usedMemory();
            long keysBefore = platform.redis().dbsize();
            Map<Integer, String> sampleIds = new ConcurrentHashMap<>();
            String hook = "http://127.0.0.1:9/hook";
            java.util.function.IntFunction<Mono<Integer>> submit = i -> {
                String body = Jobs.withWebhook(upstream.url(i % DESTINATIONS, "/s?i=" + i), "scale-" + run + "-" + i, hook);
                if (i >= CHECKED) {
                    return api.postStatus("/api/v1/jobs", body);
                }
                return api.post("/api/v1/jobs", body).map(reply -> {
                    if (reply.status() == 201) {
                        sampleIds.put(i, Jobs.json(reply.body()).path("job_id").asString());
                    }
                    return reply.status();
                });
            };
            // The first jobs of the backlog warm the API's JIT up; they are queued like the rest but not timed.
            int warmup = Math.min(jobs / 10, 5_000);
            ClosedLoopRun.Result warm = ClosedLoopRun.run(warmup, 64, 1, submit, 201, TIMEOUT);
            ClosedLoopRun.Result submitted = ClosedLoopRun.run(jobs - warmup, 64, SLICES,
                    i -> submit.apply(warmup + i), 201, TIMEOUT);
            long accepted = warm.overall().count(201) + submitted.overall().count(201);
            long memoryAfter = platform.redis().usedMemory();
            long keysAfter = platform.redis().dbsize();
            long streamLength = platform.redis().xlen(platform.jobStream());
            System.out.printf("  scale: %d accepted in %.0f s; %.0f bytes/job%n", accepted, submitted.overall().seconds(),
                    (memoryAfter - memoryBefore) / (double) Math.max(1, accepted));

            long drainStart = System.nanoTime();
            platform.startWorkers(PacingBenchmark.WORKERS);
            long workersReady = System.nanoTime();
            boolean drained = awaitSample(upstream, sample, ctx.mode().scaleDrain());
            double drainSeconds = (System.nanoTime() - workersReady) / 1e9;
            long arrivedTotal = upstream.count();
            Map<String, Integer> calls = new HashMap<>();
            upstream.arrivals().forEach(a -> calls.merge(a.query("i"), 1, Integer::sum));
            long sampleCalledOnce = 0;
            long sampleMissing = 0;
            long sampleRepeated = 0;
            for (int i = 0; i < sample; i++) {
                int c = calls.getOrDefault(Integer.toString(i), 0);
                if (c == 1) {
                    sampleCalledOnce++;
                } else if (c == 0) {
                    sampleMissing++;
                } else {
                    sampleRepeated++;
                }
            }
            long repeatedOverall = calls.values().stream().filter(c -> c > 1).count();
            Map<String, Long> states = checkStates(api, sampleIds);
            platform.stopWorkers();
            api.close();
            System.out.printf("  scale drain: sample %d/%d once, %d missing, %d repeated; %d calls in %.0f s%n",
                    sampleCalledOnce, sample, sampleMissing, sampleRepeated, arrivedTotal, drainSeconds);
            plot(ctx, submitted, warmup);
            return report(ctx, load, jobs, warmup, sample, submitted, accepted, memoryBefore, memoryAfter, keysBefore, keysAfter,
                    streamLength, drained, drainSeconds, (workersReady - drainStart) / 1e9, arrivedTotal,
                    sampleCalledOnce, sampleMissing, sampleRepeated, repeatedOverall, states);
        }
    }

    private static boolean awaitSample(NettyStub upstream, int sample, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        java.util.Set<String> seen = new java.util.HashSet<>();
        int looked = 0;
        while (System.nanoTime() < deadline) {
            List<NettyStub.Arrival> all = upstream.arrivals();
            for (int k = looked; k < all.size(); k++) {
                String i = all.get(k).query("i");
                if (i != null && Integer.parseInt(i) < sample) {
                    seen.add(i);
                }
            }
            looked = all.size();
            if (seen.size() >= sample) {
                SubmissionBenchmark.pause(Duration.ofSeconds(2)); // let a duplicate, if any, show up
                return true;
            }
            SubmissionBenchmark.pause(Duration.ofMillis(250));
        }
        return false;
    }

    /** Job states (GET /api/v1/jobs/{id}) of the first jobs of the backlog. */
    private static Map<String, Long> checkStates(HttpLoadClient api, Map<Integer, String> ids) {
        Map<String, Long> states = new HashMap<>();
        for (String id : ids.values()) {
            String state = api.get("/api/v1/jobs/" + id)
                    .map(r -> r.status() == 200 ? Jobs.json(r.body()).path("status").asString() : "http " + r.status())
                    .onErrorResume(e -> Mono.just("error"))
                    .block(TIMEOUT);
            states.merge(state, 1L, Long::sum);
        }
        return states;
    }

    private static void plot(BenchContext ctx, ClosedLoopRun.Result r, int warmup) {
        List<ClosedLoopRun.Slice> slices = r.slices();
        double[] x = slices.stream().mapToDouble(s -> warmup + s.first() + s.size()).toArray();
        double[] rate = slices.stream().mapToDouble(ClosedLoopRun.Slice::ratePerSecond).toArray();
        double[] p50 = slices.stream().mapToDouble(s -> s.latency().percentile(50) / 1000.0).toArray();
        double[] p99 = slices.stream().mapToDouble(s -> s.latency().percentile(99) / 1000.0).toArray();
        Charts.write(ctx.plot("scale-submission.png"), "Submission while the backlog grows (closed loop, 64 in flight,"
                        + " no workers)", "jobs queued", false,
                List.of(new Charts.Panel("accepted/s", false,
                                List.of(new Charts.Series("accepted/s", x, rate, Charts.Style.LINE_POINTS))),
                        new Charts.Panel("latency ms (log)", true, List.of(
                                new Charts.Series("p50", x, p50, Charts.Style.LINE_POINTS),
                                new Charts.Series("p99", x, p99, Charts.Style.LINE_POINTS)))),
                900, 600);
    }

    private static String report(BenchContext ctx, String load, int jobs, int warmup, int sample,
                                 ClosedLoopRun.Result submitted,
                                 long accepted, long memoryBefore, long memoryAfter, long keysBefore, long keysAfter,
                                 long streamLength, boolean drained, double drainSeconds, double workerStart,
                                 long arrivedTotal, long once, long missing, long repeated, long repeatedOverall,
                                 Map<String, Long> states) {
        List<ClosedLoopRun.Slice> slices = new ArrayList<>(submitted.slices());
        ClosedLoopRun.Slice first = slices.get(0);
        ClosedLoopRun.Slice last = slices.get(slices.size() - 1);
        double perJob = (memoryAfter - memoryBefore) / (double) Math.max(1, accepted);
        StringBuilder md = new StringBuilder(ctx.provenance(load)).append("\n\n");
        md.append(Table.num(jobs)).append(" jobs (GET, one webhook, metadata, no body; ").append(DESTINATIONS)
                .append(" destinations) submitted closed-loop (64 in flight) to one api-service with no worker "
                        + "running, so every job stays queued; the first ").append(Table.num(warmup))
                .append(" warm the API up and are not timed. Then three workers start (pace raised to 1,000/s per "
                        + "destination so worker CPU, not pace, bounds the drain) and the first ")
                .append(Table.num(sample)).append(" jobs of the backlog must each reach their upstream exactly once "
                        + "within ").append(ctx.mode().scaleDrain().toSeconds()).append(" s.\n\n");
        Table t = new Table("measure", "value");
        t.row("jobs accepted", Table.num(accepted) + " of " + Table.num(jobs));
        t.row("accepted/s over the timed " + Table.num(jobs - warmup) + " jobs",
                Table.num(submitted.overall().count(201) / submitted.overall().seconds(), 0) + " (in "
                        + Table.num(submitted.overall().seconds(), 0) + " s)");
        t.row("accepted/s, first → last " + Table.num(100 / SLICES) + " % of the timed jobs",
                Table.num(first.ratePerSecond(), 0) + " → " + Table.num(last.ratePerSecond(), 0));
        t.row("p99 submit latency, first → last slice (ms)", Table.num(first.latency().percentile(99) / 1000.0, 1)
                + " → " + Table.num(last.latency().percentile(99) / 1000.0, 1));
        t.row("Redis used_memory growth", Table.num((memoryAfter - memoryBefore) / 1024.0 / 1024.0, 1) + " MiB");
        t.row("**Redis memory per queued job**", "**" + Table.num(perJob, 0) + " bytes**");
        t.row("Redis keys per queued job", Table.num((keysAfter - keysBefore) / (double) Math.max(1, accepted), 2));
        t.row("job stream length after submission", Table.num(streamLength));
        t.row("worker start-up (3 processes, s)", Table.num(workerStart, 1));
        t.row("sample drained", drained ? "yes, in " + Table.num(drainSeconds, 1) + " s after the workers were ready"
                : "**no**, not within " + Table.num(drainSeconds, 0) + " s");
        t.row("sample called exactly once / missing / more than once", once + " / " + missing + " / " + repeated);
        t.row("upstream calls during the drain (any job) / jobs called more than once", Table.num(arrivedTotal) + " / "
                + repeatedOverall);
        t.row("drain rate (calls/s, whole backlog being read)", Table.num(arrivedTotal / Math.max(drainSeconds, 1e-9), 0));
        t.row("status of the first " + CHECKED + " jobs (GET /api/v1/jobs/{id})", states.toString());
        md.append(t.markdown()).append("\n");
        boolean correct = drained && missing == 0 && repeated == 0 && repeatedOverall == 0;
        md.append("**Drain correctness** (sample complete, every job called once): ").append(Table.verdict(correct))
                .append(".\n\n");
        md.append(ctx.image("scale-submission.png", "acceptance rate and latency while the backlog grows")).append("\n");
        return md.toString();
    }
}
