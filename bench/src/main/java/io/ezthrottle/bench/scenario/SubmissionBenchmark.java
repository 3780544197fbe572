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
 * {@code XADD} with redis-benchmark on the same server, and two ceilings at rising rates: the generator against a
 * no-op stub, and the API answering the same request without Redis (a payload refused by validation).
 */
public final class SubmissionBenchmark implements Scenario {

    static final double GOAL_RATE = 10_000;
    static final double GOAL_P99_MS = 25;
    static final double GOAL_SUCCESS = 99.9;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<Integer> CEILING_RATES = List.of(2_000, 4_000, 6_000, 8_000, 10_000, 12_000);
    private static final Duration CEILING_STEP_MAX = Duration.ofSeconds(10);

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
        Ramp generatorCeiling;
        Ramp apiCeiling;
        ResourceUse rejectedUse;
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
                if (saturated(r, 201)) {
                    break; // higher rates only queue more
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

            // Ceilings on the same 2 cores, to say how far the goal is from what the parts allow at all: the
            // generator against a no-op stub, and the API answering the same request without touching Redis (the
            // payload fails validation: authentication, routing, body read, JSON parse and an error reply, 400).
            try (NettyStub noop = NettyStub.start(1, 1)) {
                IntFunction<Mono<Integer>> noopCall =
                        i -> client.postStatus(noop.url("/api/v1/jobs"), Jobs.get("http://127.0.0.1:9/x", "f" + i));
                generatorCeiling = ramp("generator → no-op stub", noopCall, 200, ctx);
            }
            HttpLoadClient rejected = new HttpLoadClient(platform.apiUrl(), platform.apiKey, 2048);
            IntFunction<Mono<Integer>> rejectedCall = i -> rejected.postStatus("/api/v1/jobs",
                    Jobs.invalidMethod("http://127.0.0.1:9/sub?i=" + i, "rej-" + run + "-" + i, hook));
            ResourceUse beforeRejected = ResourceUse.now(platform);
            apiCeiling = ramp("api without Redis (400)", rejectedCall, 400, ctx);
            rejectedUse = ResourceUse.now(platform).minus(beforeRejected);
            rejected.close();
        }
        plot(ctx, steps);
        return report(ctx, load, steps, accepted, used, xaddPipelined, xaddPlain, generatorCeiling, apiCeiling, rejectedUse);
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
                                 Optional<RedisBenchmark.Result> xaddPlain, Ramp generatorCeiling, Ramp apiCeiling,
                                 ResourceUse rejectedUse) {
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
        Optional<StepResult> best = highestMeetingGoal(steps, 201);
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
        md.append("**Ceilings on the same machine**: the same open-loop generator at rising rates (each ")
                .append(ceilingStep(ctx).toSeconds()).append(" s after 2 s of warm-up at that rate) against (a) a no-op "
                        + "Netty stub in the harness JVM, which answers 200 at once, and (b) the api-service with the "
                        + "same request but a payload that fails validation (400 naming `method`), so that "
                        + "authentication, routing, reading and parsing the body and the JSON reply all run and Redis "
                        + "is never called. (a) is the instrument's own limit: a rate whose p99 passes 25 ms here cannot show the goal "
                        + "met whatever the platform does. (b) bounds what the request path costs without Redis; its "
                        + "tail also carries the api-service's GC pauses (its GC log is kept with the service logs).\n\n");
        Table ceilings = new Table("target", "offered/s", "answered %", "answered/s", "p50 ms", "p99 ms",
                "p99.9 ms", "sender lag max ms");
        ceilingRows(ceilings, "generator → no-op stub", generatorCeiling.steps(), 200);
        ceilingRows(ceilings, "api-service, no Redis (400)", apiCeiling.steps(), 400);
        md.append(ceilings.markdown()).append("\n");
        md.append("Highest rate meeting p99 ≤ 25 ms with ≥ 99.9 % answered: generator alone **")
                .append(ceilingOf(generatorCeiling.steps(), 200)).append("**, api-service without Redis **")
                .append(ceilingOf(apiCeiling.steps(), 400)).append("**, the full submission **")
                .append(best.map(b -> Table.num(b.offeredRate(), 0) + "/s").orElse("none")).append("**. The api-service "
                        + "spent ").append(ResourceUse.msPer(rejectedUse.apiCpu(), apiCeiling.requests()))
                .append(" ms of CPU per refused request (including the warm-up at each rate), against ")
                .append(ResourceUse.msPer(used.apiCpu(), accepted)).append(" ms per accepted job.\n");
        return md.toString();
    }

    /** The steps of a ceiling ramp, and every request it sent (warm-ups included). */
    private record Ramp(List<StepResult> steps, long requests) {
    }

    /** Rising open-loop rates, each after 2 s of warm-up at that rate, until one saturates. */
    private static Ramp ramp(String label, IntFunction<Mono<Integer>> call, int status, BenchContext ctx) {
        List<StepResult> results = new ArrayList<>();
        int next = 0;
        for (int rate : CEILING_RATES) {
            int warm = next;
            next += (int) OpenLoopRun.run(OpenLoopSchedule.of(rate, Duration.ofSeconds(2)), i -> call.apply(warm + i),
                    TIMEOUT).sent();
            int base = next;
            StepResult r = OpenLoopRun.run(OpenLoopSchedule.of(rate, ceilingStep(ctx)), i -> call.apply(base + i),
                    TIMEOUT);
            next += (int) r.sent();
            results.add(r);
            System.out.printf("  %s %,d/s: %.1f%% answered %d, p50 %.1f ms, p99 %.1f ms%n", label, rate,
                    r.percentSuccessful(status), status, r.millis(50), r.millis(99));
            if (saturated(r, status)) {
                break;
            }
            pause(Duration.ofSeconds(1));
        }
        return new Ramp(results, next);
    }

    /** Under 90 % answered with {@code status}, or p99 over 2 s: higher rates would only queue more. */
    private static boolean saturated(StepResult r, int status) {
        return r.percentSuccessful(status) < 90 || r.millis(99) > 2_000;
    }

    /** The highest offered rate answered with {@code status} within the goal's p99 and success share. */
    private static Optional<StepResult> highestMeetingGoal(List<StepResult> steps, int status) {
        return steps.stream()
                .filter(s -> s.percentSuccessful(status) >= GOAL_SUCCESS && s.millis(99) <= GOAL_P99_MS)
                .max(Comparator.comparingDouble(StepResult::offeredRate));
    }

    private static Duration ceilingStep(BenchContext ctx) {
        Duration step = ctx.mode().submissionStep();
        return step.compareTo(CEILING_STEP_MAX) > 0 ? CEILING_STEP_MAX : step;
    }

    private static void ceilingRows(Table table, String target, List<StepResult> steps, int status) {
        for (StepResult s : steps) {
            table.row(target, Table.num(s.offeredRate(), 0), Table.num(s.percentSuccessful(status), 2),
                    Table.num(s.ratePerSecond(status), 0), Table.num(s.millis(50), 1), Table.num(s.millis(99), 1),
                    Table.num(s.millis(99.9), 1), Table.num(s.maxLagMicros() / 1000.0, 1));
        }
    }

    private static String ceilingOf(List<StepResult> steps, int status) {
        return highestMeetingGoal(steps, status).map(s -> Table.num(s.offeredRate(), 0) + "/s").orElse("none");
    }

    static void pause(Duration d) {
        LockSupport.parkNanos(d.toNanos());
    }
}
