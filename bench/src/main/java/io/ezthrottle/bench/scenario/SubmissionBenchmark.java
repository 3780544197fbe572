package io.ezthrottle.bench.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

import io.ezthrottle.bench.load.ClosedLoopRun;
import io.ezthrottle.bench.load.HttpLoadClient;
import io.ezthrottle.bench.load.OpenLoopRun;
import io.ezthrottle.bench.load.OpenLoopSchedule;
import io.ezthrottle.bench.load.StepResult;
import io.ezthrottle.bench.platform.Platform;
import io.ezthrottle.bench.platform.RedisBenchmark;
import io.ezthrottle.bench.platform.ResourceUse;
import io.ezthrottle.bench.report.Charts;
import io.ezthrottle.bench.report.Machine;
import io.ezthrottle.bench.report.Table;
import io.ezthrottle.bench.stub.NettyStub;
import reactor.core.publisher.Mono;

/**
 * Open-loop load at rising rates against {@code POST /api/v1/jobs}: the API and Redis alone (no worker, so the
 * backlog only grows), each in a process of its own, the load generator in the harness's JVM. Then raw Redis
 * {@code XADD} with redis-benchmark on the same server, and the generator's own floor against a no-op stub.
 */
public final class SubmissionBenchmark implements Scenario {

    static final double GOAL_RATE = 10_000;
    static final double GOAL_P99_MS = 25;
    static final double GOAL_SUCCESS = 99.9;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    public String title() {
        return "Submission";
    }

    @Override
    public String key() {
        return "submission";
    }

    @Override
    public String run(BenchContext ctx) {
        String load = Machine.load();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<StepResult> steps = new ArrayList<>();
        long accepted;
        ResourceUse used;
        Optional<RedisBenchmark.Result> xaddPipelined;
        Optional<RedisBenchmark.Result> xaddPlain;
        StepResult floor;
        String hook = "http://127.0.0.1:9/hook";
        try (Platform platform = new Platform("submission", ctx.logs());
             HttpLoadClient client = new HttpLoadClient(null, null, 2048)) {
            platform.startApi();
            HttpLoadClient api = new HttpLoadClient(platform.apiUrl(), platform.apiKey, 2048);
            IntFunction<Mono<Integer>> submit = i -> api.postStatus("/api/v1/jobs",
                    Jobs.withWebhook("http://127.0.0.1:9/sub?i=" + i, "sub-" + run + "-" + i, hook));
            int[] next = {0};
            // Warm-up: closed loop, so the JIT compiles the submission path without the run being overloaded.
            ClosedLoopRun.run(ctx.mode().submissionWarmupJobs(), 32, 1, i -> submit.apply(next[0] + i), 201, TIMEOUT);
            next[0] += ctx.mode().submissionWarmupJobs();
            pause(Duration.ofSeconds(2));

            ResourceUse before = ResourceUse.now(platform);
            for (int rate : ctx.mode().submissionRates()) {
                int base = next[0];
                StepResult r = OpenLoopRun.run(OpenLoopSchedule.of(rate, ctx.mode().submissionStep()),
                        i -> submit.apply(base + i), TIMEOUT);
                next[0] += (int) r.sent();
                steps.add(r);
                System.out.printf("  submission %,d/s: %.1f%% accepted, p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms%n",
                        rate, r.percentSuccessful(201), r.millis(50), r.millis(99), r.millis(99.9));
                if (r.percentSuccessful(201) < 90 || r.millis(99) > 2_000) {
                    break; // saturated: higher rates only queue more
                }
                pause(Duration.ofSeconds(2));
            }
            accepted = steps.stream().mapToLong(s -> s.count(201)).sum();
            used = ResourceUse.now(platform).minus(before);
            api.close();

            xaddPipelined = RedisBenchmark.run(platform.redisPort(), List.of("-n", "200000", "-P", "16"),
                    "XADD", "bench:xadd", "*", "f", "v");
            platform.redis().command("DEL", "bench:xadd");
            xaddPlain = RedisBenchmark.run(platform.redisPort(), List.of("-n", "200000", "-c", "50"),
                    "XADD", "bench:xadd", "*", "f", "v");
            platform.redis().command("DEL", "bench:xadd");
            System.out.println("  redis-benchmark XADD: " + xaddPipelined.map(x -> x.requestsPerSecond() + "/s").orElse("n/a"));

            int top = steps.stream().mapToInt(s -> (int) s.offeredRate()).max().orElse(1_000);
            try (NettyStub noop = NettyStub.start(1, 1)) {
                IntFunction<Mono<Integer>> noopCall =
                        i -> client.postStatus(noop.url("/api/v1/jobs"), Jobs.get("http://127.0.0.1:9/x", "f" + i));
                OpenLoopRun.run(OpenLoopSchedule.of(top, Duration.ofSeconds(2)), noopCall, TIMEOUT); // JIT warm-up
                floor = OpenLoopRun.run(OpenLoopSchedule.of(top, ctx.mode().submissionStep()), noopCall, TIMEOUT);
            }
            System.out.printf("  generator floor at %,d/s: p99 %.1f ms%n", top, floor.millis(99));
        }
        plot(ctx, steps);
        return report(ctx, load, steps, accepted, used, xaddPipelined, xaddPlain, floor);
    }

    private static void plot(BenchContext ctx, List<StepResult> steps) {
        double[] x = steps.stream().mapToDouble(StepResult::offeredRate).toArray();
        Charts.write(ctx.plot("submission.png"), "POST /api/v1/jobs, open loop (API + Redis, no workers)",
                "offered rate (requests/s)", false, List.of(
                        new Charts.Panel("latency from intended send (ms, log)", true, List.of(
                                series("p50", x, steps, s -> s.millis(50)),
                                series("p99", x, steps, s -> s.millis(99)),
                                series("p99.9", x, steps, s -> s.millis(99.9))),
                                List.of(new Charts.Line(GOAL_P99_MS, "goal: p99 ≤ 25 ms"))),
                        new Charts.Panel("accepted (201) per second", false, List.of(
                                series("accepted/s", x, steps, s -> s.ratePerSecond(201)),
                                new Charts.Series("offered", x, x, Charts.Style.LINE)),
                                List.of())),
                900, 700);
    }

    private static Charts.Series series(String name, double[] x, List<StepResult> steps,
                                        java.util.function.ToDoubleFunction<StepResult> y) {
        return new Charts.Series(name, x, steps.stream().mapToDouble(y).toArray(), Charts.Style.LINE_POINTS);
    }

    private static String report(BenchContext ctx, String load, List<StepResult> steps, long accepted, ResourceUse used,
                                 Optional<RedisBenchmark.Result> xaddPipelined,
                                 Optional<RedisBenchmark.Result> xaddPlain, StepResult floor) {
        Table table = new Table("offered/s", "sent", "accepted %", "accepted/s", "p50 ms", "p99 ms", "p99.9 ms",
                "max ms", "other answers");
        for (StepResult s : steps) {
            String others = s.statuses().entrySet().stream().filter(e -> e.getKey() != 201)
                    .map(e -> (e.getKey() == -1 ? "timeout/transport" : e.getKey().toString()) + ": " + e.getValue())
                    .collect(Collectors.joining(", "));
            table.row(Table.num(s.offeredRate(), 0), Table.num(s.sent()), Table.num(s.percentSuccessful(201), 2),
                    Table.num(s.ratePerSecond(201), 0), Table.num(s.millis(50), 1), Table.num(s.millis(99), 1),
                    Table.num(s.millis(99.9), 1), Table.num(s.latency().max() / 1000.0, 1),
                    others.isEmpty() ? "—" : others);
        }
        Optional<StepResult> best = steps.stream()
                .filter(s -> s.percentSuccessful(201) >= GOAL_SUCCESS && s.millis(99) <= GOAL_P99_MS)
                .max(Comparator.comparingDouble(StepResult::offeredRate));
        StepResult peak = steps.stream().max(Comparator.comparingDouble(s -> s.ratePerSecond(201))).orElseThrow();
        double xadd = xaddPipelined.map(RedisBenchmark.Result::requestsPerSecond).orElse(Double.NaN);
        boolean met = best.isPresent() && best.get().ratePerSecond(201) >= GOAL_RATE;

        StringBuilder md = new StringBuilder();
        md.append(ctx.provenance(load)).append("\n\n");
        md.append("Open-loop load (each request sent at its scheduled time whatever the server does, latency measured "
                + "from that time, so no coordinated omission) against `POST /api/v1/jobs` of one api-service process, "
                + "with Redis (embedded redis-server 6.2, a process of its own) and no worker, so the backlog only "
                + "grows. The generator (reactor-netty, up to 2,048 connections) runs in the harness JVM on the same "
                + "2 cores. Each job: a GET with one webhook and metadata, unique idempotency key, no body. "
                + "Each rate runs " + ctx.mode().submissionStep().toSeconds() + " s after a closed-loop warm-up of "
                + Table.num(ctx.mode().submissionWarmupJobs()) + " jobs; the ramp stops once under 90 % is accepted "
                + "or p99 passes 2 s.\n\n");
        md.append("**Goal:** ≥ 10,000 accepted jobs/s with p99 ≤ 25 ms (≥ 99.9 % accepted) — ")
                .append(Table.verdict(met)).append(". ");
        md.append(best.map(b -> "Highest offered rate meeting p99 ≤ 25 ms with ≥ 99.9 % accepted: **"
                        + Table.num(b.offeredRate(), 0) + "/s** (p99 " + Table.num(b.millis(99), 1) + " ms). ")
                .orElse("No offered rate met p99 ≤ 25 ms with ≥ 99.9 % accepted. "));
        md.append("Peak throughput: **").append(Table.num(peak.ratePerSecond(201), 0)).append(" accepted/s** (offered ")
                .append(Table.num(peak.offeredRate(), 0)).append("/s, p99 ").append(Table.num(peak.millis(99), 1))
                .append(" ms).\n\n");
        md.append(table.markdown()).append("\n");
        md.append(ctx.image("submission.png", "submission latency and throughput by offered rate")).append("\n\n");
        md.append("**Raw Redis on the same machine and server** (`redis-benchmark`, Debian redis-tools):\n\n");
        Table redis = new Table("command", "requests/s", "our peak as a fraction");
        xaddPipelined.ifPresent(x -> redis.row("`" + x.command() + "`", Table.num(x.requestsPerSecond(), 0),
                Table.num(peak.ratePerSecond(201) / x.requestsPerSecond(), 4)));
        xaddPlain.ifPresent(x -> redis.row("`" + x.command() + "`", Table.num(x.requestsPerSecond(), 0),
                Table.num(peak.ratePerSecond(201) / x.requestsPerSecond(), 4)));
        if (xaddPipelined.isEmpty() && xaddPlain.isEmpty()) {
            md.append("redis-benchmark was not available (install redis-tools); no raw figure.\n\n");
        } else {
            md.append(redis.markdown()).append("\n");
        }
        md.append("Our peak is **").append(Table.num(100 * peak.ratePerSecond(201) / xadd, 1))
                .append(" %** of pipelined raw XADD. Cost per accepted job over the measured steps: ")
                .append(used.commandsPer(accepted)).append(", ")
                .append(ResourceUse.msPer(used.apiCpu(), accepted)).append(" ms of api-service CPU and ")
                .append(ResourceUse.msPer(used.redisCpu(), accepted)).append(" ms of Redis CPU.\n\n");
        md.append("Load generator floor (same generator, after 2 s of warm-up, against a no-op Netty stub in the "
                + "harness JVM at ")
                .append(Table.num(floor.offeredRate(), 0)).append("/s): p50 ").append(Table.num(floor.millis(50), 2))
                .append(" ms, p99 ").append(Table.num(floor.millis(99), 2)).append(" ms, p99.9 ")
                .append(Table.num(floor.millis(99.9), 2)).append(" ms, sender lag at most ")
                .append(Table.num(floor.maxLagMicros() / 1000.0, 1)).append(" ms.\n");
        return md.toString();
    }

    static void pause(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }
}
