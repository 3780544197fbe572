package io.ezthrottle.bench.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.ezthrottle.bench.load.ClosedLoopRun;
import io.ezthrottle.bench.load.HttpLoadClient;
import io.ezthrottle.bench.load.LatencyHistogram;
import io.ezthrottle.bench.load.OpenLoopRun;
import io.ezthrottle.bench.load.OpenLoopSchedule;
import io.ezthrottle.bench.platform.Platform;
import io.ezthrottle.bench.platform.ResourceUse;
import io.ezthrottle.bench.report.Charts;
import io.ezthrottle.bench.report.Machine;
import io.ezthrottle.bench.report.Table;
import io.ezthrottle.bench.stub.Arrivals;
import io.ezthrottle.bench.stub.NettyStub;
import tools.jackson.databind.JsonNode;

/**
 * Pacing with three worker processes sharing one Redis: accuracy at 2, 50 and 1,000 requests/s for one
 * destination, 2/s for thousands of destinations at once, and the queue-to-dispatch delay of quiet destinations
 * while one destination has a huge backlog. Every figure is measured at the upstream stub, not inside the platform.
 */
public final class PacingBenchmark implements Scenario {

    static final int WORKERS = 3;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int QUIET_DESTINATIONS = 10;

    @Override
    public String title() {
        return "Pacing";
    }

    @Override
    public String key() {
        return "pacing";
    }

    @Override
    public String run(BenchContext ctx) throws Exception {
        String load = Machine.load();
        String run = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder md = new StringBuilder(ctx.provenance(load)).append("\n\n");
        md.append("Three worker processes, one api-service process and Redis (each its own process), default pace "
                + "2/s per destination; upstreams are Netty stubs in the harness, one destination per port. Arrival "
                + "times are taken at the stub.\n\n");
        try (Platform platform = new Platform("pacing", ctx.logs());
             NettyStub stubs = NettyStub.start(3, 2)) {
            platform.startApi();
            platform.startWorkers(WORKERS);
            HttpLoadClient api = new HttpLoadClient(platform.apiUrl(), platform.apiKey, 256);
            Map<Integer, Double> paces = new ConcurrentHashMap<>();
            Map<Integer, Long> gates = new ConcurrentHashMap<>();
            stubs.respond(teaching(paces, gates));
            warmUp(api, run);
            // -Dbench.pacing.parts=accuracy,domains,isolation runs some of the parts (for diagnosis; the report
            // then has only their sections)
            String parts = System.getProperty("bench.pacing.parts", "accuracy,domains,isolation");
            if (parts.contains("accuracy")) {
                Accuracy two = accuracy(ctx.logs(), api, stubs, paces, 0, 2, ctx.mode().pace2Jobs(), run);
                Accuracy fifty = accuracy(ctx.logs(), api, stubs, paces, 1, 50, ctx.mode().pace50Jobs(), run);
                Drain thousand = thousand(ctx, platform, api, stubs, paces, gates, 2, ctx.mode().pace1000Jobs(), run);
                md.append(accuracyReport(ctx, List.of(two, fifty), thousand));
            }
            if (parts.contains("domains")) {
                Domains domains = domains(ctx.logs(), api, ctx.mode().domains(), ctx.mode().jobsPerDomain(), run);
                md.append(domainsReport(domains));
            }
            if (parts.contains("isolation")) {
                Isolation isolation = isolation(platform, api, ctx.mode().isolationBacklog(),
                        ctx.mode().isolationProbe(), run);
                md.append(isolationReport(ctx, isolation));
            }
            api.close();
        }
        return md.toString();
    }

    /**
     * A few jobs through every worker first (30 jobs over 10 throw-away destinations): the first calls of a fresh
     * JVM's HTTP client pay for class loading, resolver and connection set-up, which would squeeze the first measured
     * gaps without saying anything about pacing.
     */
    private static void warmUp(HttpLoadClient api, String run) {
        try (NettyStub warm = NettyStub.start(10, 1)) {
            ClosedLoopRun.run(30, 8, 1, i -> api.postStatus("/api/v1/jobs",
                    Jobs.get(warm.url(i % 10, "/warm?i=" + i), "warm-" + run + "-" + i)), 201, TIMEOUT);
            warm.awaitCount(30, Duration.ofSeconds(120));
        }
    }

    // ---- accuracy at 2 and 50 per second -------------------------------------------------------------------------

    /** One destination's measured pace. */
    record Accuracy(double target, int jobs, Arrivals arrivals) {
    }

    private Accuracy accuracy(java.nio.file.Path logs, HttpLoadClient api, NettyStub stubs, Map<Integer, Double> paces,
                              int port, double rps, int jobs, String run) {
        if (rps != 2) {
            learn(api, stubs, paces, port, rps, run);
        }
        stubs.clear();
        ClosedLoopRun.run(jobs, 16, 1, i -> api.postStatus("/api/v1/jobs",
                Jobs.get(stubs.url(port, "/pace?i=" + i), "pace" + rps + "-" + run + "-" + i)), 201, TIMEOUT);
        stubs.awaitCount(jobs, Duration.ofSeconds((long) (jobs / rps) + 120));
        Arrivals a = Arrivals.of(stubs.arrivals().stream().filter(x -> x.port() == stubs.ports().get(port)
                && x.uri().startsWith("/pace")).toList());
        RawData.arrivals(logs.resolve("pacing-" + (int) rps + ".csv"), a);
        System.out.printf("  pace %.0f/s: %d arrivals, %.3f/s, min gap %.1f ms%n", rps, a.count(), a.ratePerSecond(),
                a.minGapMillis());
        return new Accuracy(rps, jobs, a);
    }

    /**
     * Teaches the platform a destination's pace the way an upstream does: one job whose answer carries
     * {@code X-EZTHROTTLE-RPS} and {@code X-EZTHROTTLE-MAX-CONCURRENT}; then waits past the workers' limits cache.
     */
    private static void learn(HttpLoadClient api, NettyStub stubs, Map<Integer, Double> paces, int port, double rps,
                              String run) {
        paces.put(stubs.ports().get(port), rps);
        long before = stubs.count();
        api.postStatus("/api/v1/jobs", Jobs.get(stubs.url(port, "/learn"), "learn-" + rps + "-" + run)).block(TIMEOUT);
        stubs.awaitCount(before + 1, Duration.ofSeconds(60));
        SubmissionBenchmark.pause(Duration.ofMillis(1500));
    }

    /**
     * Answers 200 with the pacing headers on the ports that have a pace in {@code paces}; a port with a gate in
     * {@code gates} answers its next request 429 with {@code Retry-After: <gate>} instead (once), which pauses the
     * destination for every worker.
     */
    private static NettyStub.Responder teaching(Map<Integer, Double> paces, Map<Integer, Long> gates) {
        return r -> {
            Double pace = paces.get(r.port());
            if (pace == null) {
                return NettyStub.Answer.ok();
            }
            String v = Long.toString(Math.round(pace));
            Long gate = gates.remove(r.port());
            if (gate != null) {
                return new NettyStub.Answer(429, Map.of("X-EZTHROTTLE-RPS", v, "X-EZTHROTTLE-MAX-CONCURRENT", v,
                        "Retry-After", Long.toString(gate)), "{\"error\":\"slow down\"}", false);
            }
            return new NettyStub.Answer(200, Map.of("X-EZTHROTTLE-RPS", v, "X-EZTHROTTLE-MAX-CONCURRENT", v),
                    "{\"ok\":true}", false);
        };
    }

    // ---- 1,000 per second --------------------------------------------------------------------------------------

    /**
     * A backlog drained at 1,000/s by three warm workers. The upstream first pauses the destination (one 429 with
     * {@code Retry-After} long enough to submit the whole backlog), so the backlog builds up in the lanes and the
     * destination's overflow stream and is released at once when the pause ends: submission speed does not cap the
     * drain, and the path measured is the one a real backlog takes.
     */
    record Drain(int jobs, Arrivals arrivals, Arrivals released, int duringPause, double steadyRate, double overallRate,
                 long releaseNanos, List<double[]> backlog, double pauseSeconds, double submitSeconds, ResourceUse used) {
    }

    private Drain thousand(BenchContext ctx, Platform platform, HttpLoadClient api, NettyStub stubs,
                           Map<Integer, Double> paces, Map<Integer, Long> gates, int port, int jobs, String run) {
        learn(api, stubs, paces, port, 1000, run);
        // How fast does the API take jobs right now? (parked a day ahead with retry_at: they never run)
        long park = System.currentTimeMillis() + 86_400_000L;
        var probe = ClosedLoopRun.run(500, 32, 1, i -> api.postStatus("/api/v1/jobs",
                Jobs.due("http://127.0.0.1:9/never?i=" + i, "never-" + run + "-" + i, park)), 201, TIMEOUT);
        double rate = Math.max(50, probe.overall().ratePerSecond(201));
        long pause = Math.min(290, (long) Math.ceil(jobs / (0.7 * rate)) + 5);
        int p = stubs.ports().get(port);
        gates.put(p, pause);
        long before = stubs.count();
        api.postStatus("/api/v1/jobs", Jobs.get(stubs.url(port, "/gate"), "gate-" + run)).block(TIMEOUT);
        stubs.awaitCount(before + 1, Duration.ofSeconds(60));
        long releaseNanos = System.nanoTime() + pause * 1_000_000_000L;
        stubs.clear();
        long t0 = System.nanoTime();
        ClosedLoopRun.run(jobs, 64, 1, i -> api.postStatus("/api/v1/jobs",
                Jobs.get(stubs.url(port, "/fast?i=" + i), "fast-" + run + "-" + i)), 201, TIMEOUT);
        double submitSeconds = (System.nanoTime() - t0) / 1e9;
        List<double[]> backlog = Collections.synchronizedList(new ArrayList<>());
        String overflow = platform.prefix + ":ovf:{127.0.0.1:" + p + "}:shared";
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            try {
                backlog.add(new double[] {(System.nanoTime() - releaseNanos) / 1e9, platform.redis().xlen(overflow),
                        platform.redis().xlen(platform.jobStream())});
            } catch (RuntimeException e) {
                // sampling is best effort
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
        // What the drain costs: from just before the pause ends (the backlog already parked) to the last call.
        long toRelease = releaseNanos - System.nanoTime() - 1_000_000_000L;
        if (toRelease > 0) {
            SubmissionBenchmark.pause(Duration.ofNanos(toRelease));
        }
        ResourceUse atRelease = ResourceUse.now(platform);
        stubs.awaitCount(jobs + 1, Duration.ofSeconds(pause + jobs / 20 + 120));
        ResourceUse used = ResourceUse.now(platform).minus(atRelease);
        sampler.shutdownNow();
        // the gate job's retry is not one of the measured jobs
        List<NettyStub.Arrival> fast = stubs.arrivals().stream()
                .filter(x -> x.port() == p && x.uri().startsWith("/fast")).toList();
        Arrivals all = Arrivals.of(fast);
        RawData.arrivals(ctx.logs().resolve("pacing-1000.csv"), all);
        // Calls more than a second before the pause ended slipped through it (a replica had not seen it yet).
        long cut = releaseNanos - 1_000_000_000L;
        int early = (int) fast.stream().filter(x -> x.nanos() < cut).count();
        Arrivals a = Arrivals.of(fast.stream().filter(x -> x.nanos() >= cut).toList());
        long from = a.first() + 1_000_000_000L;
        long to = a.last() - 500_000_000L;
        double steady = to - from >= 2_000_000_000L ? a.between(from, to) / ((to - from) / 1e9) : a.ratePerSecond();
        System.out.printf("  pace 1000/s: %d arrivals (%d during the pause), drain %.0f/s, steady %.0f/s (submitted in"
                + " %.0f s, pause %d s)%n", all.count(), early, a.ratePerSecond(), steady, submitSeconds, pause);
        System.out.printf("  pace 1000/s cost per call: workers %s ms, Redis %s ms, harness %s ms CPU; %s%n",
                ResourceUse.msPer(used.workerCpu(), jobs), ResourceUse.msPer(used.redisCpu(), jobs),
                ResourceUse.msPer(used.harnessCpu(), jobs), used.commandsPer(jobs));
        return new Drain(jobs, all, a, early, steady, a.ratePerSecond(), releaseNanos, new ArrayList<>(backlog), pause,
                submitSeconds, used);
    }

    private static String accuracyReport(BenchContext ctx, List<Accuracy> accuracies, Drain thousand) {
        Table t = new Table("target/s", "jobs", "arrived", "measured/s (first→last)", "accuracy", "min gap ms",
                "most in any 1 s", "verdict");
        for (Accuracy a : accuracies) {
            double acc = a.arrivals().ratePerSecond() / a.target();
            int most = a.arrivals().maxInWindow(1000);
            boolean ok = Math.abs(acc - 1) <= 0.05 && most <= Math.ceil(a.target()) + 1 && a.arrivals().count() == a.jobs();
            t.row(Table.num(a.target(), 0), a.jobs(), a.arrivals().count(), Table.num(a.arrivals().ratePerSecond(), 3),
                    Table.num(100 * acc, 1) + " %", Table.num(a.arrivals().minGapMillis(), 1), most,
                    ok ? "within ±5 %, ≤ 1 over in any second" : "**off**");
        }
        int most = thousand.released().maxInWindow(1000);
        t.row("1,000", thousand.jobs(), thousand.arrivals().count(),
                Table.num(thousand.overallRate(), 1) + " (steady " + Table.num(thousand.steadyRate(), 1) + ")",
                Table.num(100 * thousand.steadyRate() / 1000, 1) + " %",
                Table.num(thousand.released().minGapMillis(), 2), most,
                thousand.steadyRate() >= 950 ? "≥ 950/s sustained" : "**below 950/s**");
        plotThousand(ctx, thousand);
        StringBuilder md = new StringBuilder("### Accuracy for one destination\n\n");
        md.append("2/s is the default pace. 50/s and 1,000/s are taught by the upstream: one job answered with "
                + "`X-EZTHROTTLE-RPS` and `X-EZTHROTTLE-MAX-CONCURRENT` set to the pace, then the measured jobs. For "
                + "1,000/s the upstream then answers one job 429 with `Retry-After: " + (long) thousand.pauseSeconds()
                + "`, which pauses the destination for every worker while the " + Table.num(thousand.jobs())
                + " jobs are submitted (in " + Table.num(thousand.submitSeconds(), 0) + " s); they wait in the lanes "
                + "and the destination's overflow stream and are released at once to three warm workers when the "
                + "pause ends. The 1,000/s row is measured from then (first→last of the released calls; \"steady\" "
                + "leaves out their first second and last half second); " + thousand.duringPause() + " of its jobs "
                + "reached the upstream more than a second before the pause ended, i.e. slipped through it.\n\n");
        md.append(t.markdown()).append("\n");
        md.append("**Goal (issue 3):** one destination told 1,000/s by its upstream sustains ≥ 950 calls/s with three "
                + "workers — ").append(Table.verdict(thousand.steadyRate() >= 950)).append(" (steady ")
                .append(Table.num(thousand.steadyRate(), 0)).append("/s). ");
        ResourceUse used = thousand.used();
        md.append("What the drain cost per call (from a second before the pause ended to the last call; the upstream "
                + "stub and the harness share the same 2 cores): ")
                .append(ResourceUse.msPer(used.workerCpu(), thousand.jobs()))
                .append(" ms of CPU in the three workers together, ")
                .append(ResourceUse.msPer(used.redisCpu(), thousand.jobs())).append(" ms in Redis, ")
                .append(ResourceUse.msPer(used.harnessCpu(), thousand.jobs())).append(" ms in the harness; ")
                .append(used.commandsPer(thousand.jobs())).append(".\n\n");
        md.append(ctx.image("pacing-1000.png", "calls per second to the 1,000/s destination")).append("\n\n");
        return md.toString();
    }

    private static void plotThousand(BenchContext ctx, Drain d) {
        long[] perSecond = d.arrivals().histogram(d.releaseNanos(), 250);
        double[] x = new double[perSecond.length];
        double[] y = new double[perSecond.length];
        for (int i = 0; i < perSecond.length; i++) {
            x[i] = i * 0.25;
            y[i] = perSecond[i] * 4.0;
        }
        double[] bx = d.backlog().stream().mapToDouble(s -> s[0]).toArray();
        double[] overflow = d.backlog().stream().mapToDouble(s -> s[1]).toArray();
        double[] stream = d.backlog().stream().mapToDouble(s -> s[2]).toArray();
        Charts.write(ctx.plot("pacing-1000.png"), "One destination taught 1,000/s, three workers, "
                        + Table.num(d.jobs()) + "-job backlog released at t = 0", "seconds since the pause ended", false,
                List.of(new Charts.Panel("calls/s at the upstream (250 ms buckets)", false,
                                List.of(new Charts.Series("calls/s", x, y, Charts.Style.STEP)),
                                List.of(new Charts.Line(1000, "pace 1,000/s"), new Charts.Line(950, "goal 950/s"))),
                        new Charts.Panel("jobs waiting", false, List.of(
                                new Charts.Series("destination's overflow stream", bx, overflow, Charts.Style.LINE),
                                new Charts.Series("job stream", bx, stream, Charts.Style.LINE)))),
                900, 650);
    }

    // ---- thousands of destinations -----------------------------------------------------------------------------

    record Domains(int domains, int jobsPerDomain, int arrived, List<Arrivals> perDomain, double seconds,
                   long duplicates) {
    }

    private Domains domains(java.nio.file.Path logs, HttpLoadClient api, int domains, int perDomain, String run) {
        try (NettyStub many = NettyStub.start(domains, 2)) {
            // Close after each answer: 3 workers × thousands of idle keep-alive connections would exceed the
            // harness's file-descriptor limit; the pacing under test does not depend on connection reuse.
            many.respond(r -> new NettyStub.Answer(200, Map.of(), "{\"ok\":true}", true));
            int total = domains * perDomain;
            long start = System.nanoTime();
            ClosedLoopRun.run(total, 64, 1, i -> api.postStatus("/api/v1/jobs",
                    Jobs.get(many.url(i / perDomain, "/d?i=" + i), "dom-" + run + "-" + i)), 201, TIMEOUT);
            many.awaitCount(total, Duration.ofSeconds(total / 50 + 180));
            double seconds = (System.nanoTime() - start) / 1e9;
            List<NettyStub.Arrival> arrivals = many.arrivals();
            Map<Integer, List<NettyStub.Arrival>> byPort = arrivals.stream()
                    .collect(Collectors.groupingBy(NettyStub.Arrival::port));
            Map<Integer, Arrivals> perPort = new java.util.TreeMap<>();
            byPort.forEach((port, list) -> perPort.put(port, Arrivals.of(list)));
            RawData.arrivalsByPort(logs.resolve("pacing-domains.csv"), perPort);
            List<Arrivals> per = List.copyOf(perPort.values());
            Map<String, Integer> seen = new HashMap<>();
            arrivals.forEach(a -> seen.merge(a.query("i"), 1, Integer::sum));
            long duplicates = seen.values().stream().filter(c -> c > 1).count();
            System.out.printf("  %d domains: %d of %d arrived in %.0f s%n", domains, arrivals.size(), total, seconds);
            return new Domains(domains, perDomain, arrivals.size(), per, seconds, duplicates);
        }
    }

    private static String domainsReport(Domains d) {
        double interval = 500;
        long gaps = d.perDomain().stream().mapToLong(a -> Math.max(0, a.count() - 1)).sum();
        double minGap = d.perDomain().stream().mapToDouble(Arrivals::minGapMillis).filter(Double::isFinite).min()
                .orElse(Double.NaN);
        long below475 = d.perDomain().stream().mapToLong(a -> a.gapsBelow(0.95 * interval)).sum();
        long below250 = d.perDomain().stream().mapToLong(a -> a.gapsBelow(0.5 * interval)).sum();
        long atPace = d.perDomain().stream().filter(a -> a.maxInWindow(1000) <= 2).count();
        long plusOne = d.perDomain().stream().filter(a -> a.maxInWindow(1000) == 3).count();
        long over = d.perDomain().stream().filter(a -> a.maxInWindow(1000) > 3).count();
        int total = d.domains() * d.jobsPerDomain();
        boolean ok = over == 0 && d.arrived() == total && d.duplicates() == 0;
        StringBuilder md = new StringBuilder("### ").append(Table.num(d.domains())).append(" destinations at once\n\n");
        md.append(Table.num(d.domains())).append(" destinations (one stub port each, default pace 2/s), ")
                .append(d.jobsPerDomain()).append(" jobs each (a destination's jobs submitted one after another, so they "
                        + "wait in its lane together and must be spaced by its pace; all destinations are active at "
                        + "once). The stub closes each connection after answering (the harness's file-descriptor "
                        + "limit would not hold 3 × ").append(Table.num(d.domains())).append(" idle keep-alive "
                        + "connections).\n\n");
        Table t = new Table("destinations", "jobs", "arrived", "duplicates", "drain s", "calls/s overall",
                "most in any 1 s: ≤ 2 / 3 / > 3 (destinations)", "gaps measured", "min gap ms", "gaps < 250 ms",
                "gaps < 475 ms");
        t.row(Table.num(d.domains()), Table.num(total), Table.num(d.arrived()), d.duplicates(),
                Table.num(d.seconds(), 1), Table.num(d.arrived() / d.seconds(), 0),
                Table.num(atPace) + " / " + Table.num(plusOne) + " / " + Table.num(over), Table.num(gaps),
                Table.num(minGap, 1), below250, below475);
        md.append(t.markdown()).append("\n");
        md.append("**Goal:** every destination paced correctly: by the definition the worker issue uses for pacing "
                + "accuracy, never more than one request over the pace in any one-second window (here: no destination "
                + "with more than 3 calls in any 1 s), and every job called once — ").append(Table.verdict(ok))
                .append(". With ").append(d.jobsPerDomain()).append(" jobs spaced by the pace, a destination's first "
                        + "and last calls are ").append(Table.num((d.jobsPerDomain() - 1) * interval, 0))
                .append(" ms apart, so a limiter that let a destination burst (or was not shared by the three workers) "
                        + "shows up as more than 3 in a second. The demand (").append(Table.num(2.0 * d.domains(), 0))
                .append(" calls/s if every destination ran at its pace) is far above what one 2-core machine "
                        + "dispatches, so most gaps are longer than the pace. The shared bucket spaces its grants by 500 "
                        + "ms; a gap shorter than that at the upstream is the spread of the time from grant to arrival "
                        + "on saturated cores (the first call of a destination also pays the bucket's own round trips "
                        + "after its grant), reported above rather than hidden.\n\n");
        return md.toString();
    }

    // ---- isolation behind a backlog --------------------------------------------------------------------------------

    /** One quiet job: when it was queued (server time), when it reached its upstream, the unread entries then. */
    record Probe(long submittedNanos, long queuedAt, long arrivedAt, long unread) {
        long delay() {
            return arrivedAt - queuedAt;
        }
    }

    record Isolation(int backlog, double submitSeconds, long memoryBefore, long memoryAfter, List<Probe> probes,
                     List<double[]> stream, long probeStartNanos, int quietJobs, int hotArrivals) {
    }

    private Isolation isolation(Platform platform, HttpLoadClient api, int backlog, Duration probe,
                                String run) {
        try (NettyStub hot = NettyStub.start(1, 1); NettyStub quiet = NettyStub.start(QUIET_DESTINATIONS, 1)) {
            long memoryBefore = platform.redis().usedMemory();
            long t0 = System.nanoTime();
            ClosedLoopRun.run(backlog, 64, 1, i -> api.postStatus("/api/v1/jobs",
                    Jobs.get(hot.url("/hot?i=" + i), "hot-" + run + "-" + i)), 201, TIMEOUT);
            double submitSeconds = (System.nanoTime() - t0) / 1e9;
            List<double[]> stream = Collections.synchronizedList(new ArrayList<>());
            long probeStart = System.nanoTime();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            long[] lastLength = {0};
            sampler.scheduleAtFixedRate(() -> {
                try {
                    lastLength[0] = unread(platform);
                    stream.add(new double[] {(System.nanoTime() - probeStart) / 1e9, lastLength[0]});
                } catch (RuntimeException e) {
                    // best effort
                }
            }, 0, 250, TimeUnit.MILLISECONDS);
            Map<Integer, long[]> sent = new ConcurrentHashMap<>();
            int quietJobs = (int) (QUIET_DESTINATIONS * probe.toSeconds());
            OpenLoopRun.run(OpenLoopSchedule.ofCount(QUIET_DESTINATIONS, quietJobs), i -> {
                long submitted = System.nanoTime();
                long length = lastLength[0];
                return api.post("/api/v1/jobs", Jobs.get(quiet.url(i % QUIET_DESTINATIONS, "/quiet?i=" + i),
                                "quiet-" + run + "-" + i))
                        .map(reply -> {
                            if (reply.status() == 201) {
                                JsonNode body = Jobs.json(reply.body());
                                sent.put(i, new long[] {submitted, body.path("queued_at").asLong(), length});
                            }
                            return reply.status();
                        });
            }, TIMEOUT);
            quiet.awaitCount(sent.size(), Duration.ofSeconds(120));
            sampler.shutdownNow();
            long memoryAfter = platform.redis().usedMemory();
            List<Probe> probes = new ArrayList<>();
            for (NettyStub.Arrival a : quiet.arrivals()) {
                long[] s = sent.get(Integer.parseInt(a.query("i")));
                if (s != null) {
                    probes.add(new Probe(s[0], s[1], a.millis(), s[2]));
                }
            }
            System.out.printf("  isolation: backlog %d submitted in %.0f s; %d quiet jobs measured%n", backlog,
                    submitSeconds, probes.size());
            return new Isolation(backlog, submitSeconds, memoryBefore, memoryAfter, probes, new ArrayList<>(stream),
                    probeStart, sent.size(), (int) hot.count());
        }
    }

    /**
     * Entries of the job stream no worker has read yet: its length less the group's pending entries (entries are
     * deleted once done, and the backlog's entries held in lanes are pending, so XLEN alone overstates the lag).
     */
    static long unread(Platform platform) {
        List<?> pending = (List<?>) platform.redis().command("XPENDING", platform.jobStream(), "workers");
        return platform.redis().xlen(platform.jobStream()) - (Long) pending.get(0);
    }

    private static String isolationReport(BenchContext ctx, Isolation iso) {
        LatencyHistogram all = new LatencyHistogram();
        LatencyHistogram busy = new LatencyHistogram();
        LatencyHistogram settled = new LatencyHistogram();
        for (Probe p : iso.probes()) {
            all.record(p.delay());
            (p.unread() > 100 ? busy : settled).record(p.delay());
        }
        plotIsolation(ctx, iso);
        Table t = new Table("quiet jobs", "submitted while workers had not yet read > 100 entries of the job stream",
                "p50 ms", "p99 ms", "max ms");
        t.row(Table.num(all.count()), "all", all.percentile(50), all.percentile(99), all.max());
        t.row(Table.num(busy.count()), "yes (backlog still being read)", busy.percentile(50), busy.percentile(99),
                busy.max());
        t.row(Table.num(settled.count()), "no (backlog parked in overflow)", settled.percentile(50),
                settled.percentile(99), settled.max());
        boolean ok = all.count() == iso.quietJobs() && all.percentile(99) <= 50;
        StringBuilder md = new StringBuilder("### Isolation: quiet destinations behind a ")
                .append(Table.num(iso.backlog())).append("-job backlog\n\n");
        md.append(Table.num(iso.backlog())).append(" jobs for one 2/s destination were submitted first (in ")
                .append(Table.num(iso.submitSeconds(), 0)).append(" s, closed loop), then for ")
                .append(iso.quietJobs() / QUIET_DESTINATIONS).append(" s each of ").append(QUIET_DESTINATIONS)
                .append(" quiet destinations got one job a second (below their 2/s pace, so they never wait for "
                        + "their own slot). Delay = arrival at the quiet upstream − `queued_at` of the 201 reply "
                        + "(server clock, ms). Redis memory while the backlog waited: ")
                .append(Table.num((iso.memoryAfter() - iso.memoryBefore()) / (double) iso.backlog(), 0))
                .append(" bytes per queued job (used_memory delta ÷ backlog, backlog parked in the destination's "
                        + "overflow stream; bodies excluded).\n\n");
        md.append(t.markdown()).append("\n");
        md.append("**Goal (issue 3):** p99 queue-to-dispatch delay of other destinations' jobs ≤ 50 ms while the "
                + "backlog waits — ").append(Table.verdict(ok)).append(" (p99 ").append(all.percentile(99))
                .append(" ms over all ").append(Table.num(all.count())).append(" quiet jobs).\n\n");
        md.append(ctx.image("pacing-isolation.png", "quiet-destination delay while a backlog waits")).append("\n\n");
        return md.toString();
    }

    private static void plotIsolation(BenchContext ctx, Isolation iso) {
        double[] x = iso.probes().stream().mapToDouble(p -> (p.submittedNanos() - iso.probeStartNanos()) / 1e9).toArray();
        double[] y = iso.probes().stream().mapToDouble(p -> Math.max(1, p.delay())).toArray();
        double[] sx = iso.stream().stream().mapToDouble(s -> s[0]).toArray();
        double[] sy = iso.stream().stream().mapToDouble(s -> s[1]).toArray();
        Charts.write(ctx.plot("pacing-isolation.png"), "Quiet destinations while " + Table.num(iso.backlog())
                        + " jobs wait for one 2/s destination", "seconds since the backlog was submitted", false,
                List.of(new Charts.Panel("queue→dispatch delay (ms, log)", true,
                                List.of(new Charts.Series("quiet job", x, y, Charts.Style.POINTS)),
                                List.of(new Charts.Line(50, "goal: p99 ≤ 50 ms"))),
                        new Charts.Panel("unread entries", false,
                                List.of(new Charts.Series("job stream entries not yet read by a worker", sx, sy,
                                        Charts.Style.LINE)))),
                900, 650);
    }
}
