package io.ezthrottle.bench.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.ezthrottle.bench.platform.Platform;
import io.ezthrottle.bench.report.Charts;
import io.ezthrottle.bench.report.Machine;
import io.ezthrottle.bench.report.Table;
import io.ezthrottle.bench.storm.LimitedUpstream;
import io.ezthrottle.bench.storm.StormClient;
import io.ezthrottle.bench.stub.NettyStub;

/**
 * The retry storm, side by side: the same requests, arriving at the same rate, against the same upstream (50/s, 429
 * with Retry-After above that, 503 for a while in the middle), (a) straight from a client with Resilience4j Retry,
 * (b) through the platform. Each client is a JVM of its own ({@link StormClient}).
 */
public final class RetryStormBenchmark implements Scenario {

    static final double UPSTREAM_RPS = 50;
    static final double GOAL_AMPLIFICATION = 1.1;

    @Override
    public String title() {
        return "Retry storm";
    }

    @Override
    public String key() {
        return "storm";
    }

    /** One contender's outcome. */
    record Outcome(String name, int requests, long completed, long failed, double drainSeconds, double clientCpu,
                   double platformCpu, long hits, long ok, long limited, long down, long servedTwice,
                   long[][] perSecond) {
        double amplification() {
            return (double) hits / requests;
        }
    }

    @Override
    public String run(BenchContext ctx) throws Exception {
        String load = Machine.load();
        int requests = ctx.mode().stormRequests();
        double rate = ctx.mode().stormArrivalRate();
        double outage = ctx.mode().stormOutage().toSeconds();
        double ideal = requests / UPSTREAM_RPS;
        double outageFrom = Math.max(2, ideal / 2 - outage / 2);
        long timeout = (long) (3 * (ideal + outage)) + 180;

        Outcome diy;
        LimitedUpstream upstreamA = new LimitedUpstream(UPSTREAM_RPS, outageFrom, outageFrom + outage);
        try (NettyStub stub = NettyStub.start(1, 1).recording(false)) {
            stub.respond(upstreamA);
            upstreamA.begin();
            String[] result = client(ctx, "diy", List.of("--upstream=" + stub.url("/r"), "--requests=" + requests,
                    "--rate=" + rate, "--timeout=" + timeout), timeout + 60);
            diy = outcome("(a) client + Resilience4j Retry", requests, result, Double.NaN, upstreamA);
        }
        System.out.printf("  diy: completed %d, amplification %.2f%n", diy.completed(), diy.amplification());

        Outcome platform;
        LimitedUpstream upstreamB = new LimitedUpstream(UPSTREAM_RPS, outageFrom, outageFrom + outage);
        try (NettyStub stub = NettyStub.start(1, 1).recording(false)) {
            stub.respond(upstreamB);
            String destination = "127.0.0.1:" + stub.port();
            try (Platform p = new Platform("storm", ctx.logs(),
                    "--ezthrottle.pacing.domains[" + destination + "].rps=" + (int) UPSTREAM_RPS,
                    "--ezthrottle.pacing.domains[" + destination + "].max-concurrent=" + (int) UPSTREAM_RPS)) {
                p.startApi();
                p.startWebhook();
                p.startWorkers(PacingBenchmark.WORKERS);
                double cpuBefore = p.serviceCpuSeconds();
                upstreamB.begin();
                String[] result = client(ctx, "platform", List.of("--api=" + p.apiUrl(), "--key=" + p.apiKey,
                        "--upstream=" + stub.url("/r"), "--requests=" + requests, "--rate=" + rate,
                        "--timeout=" + timeout), timeout + 60);
                platform = outcome("(b) through the platform", requests, result, p.serviceCpuSeconds() - cpuBefore,
                        upstreamB);
            }
        }
        System.out.printf("  platform: completed %d, amplification %.2f%n", platform.completed(),
                platform.amplification());
        plot(ctx, List.of(diy, platform), outageFrom, outage);
        return report(ctx, load, requests, rate, outageFrom, outage, diy, platform);
    }

    private static Outcome outcome(String name, int requests, String[] r, double platformCpu, LimitedUpstream u) {
        int seconds = (int) Math.ceil(Double.parseDouble(r[3])) + 2;
        long[][] perSecond = new long[3][];
        for (int k = 0; k < 3; k++) {
            perSecond[k] = u.perSecond(LimitedUpstream.STATUSES[k], seconds);
        }
        return new Outcome(name, requests, Long.parseLong(r[1]), Long.parseLong(r[2]), Double.parseDouble(r[3]),
                Double.parseDouble(r[4]), platformCpu, u.hits(), u.hits(200), u.hits(429), u.hits(503),
                u.servedMoreThanOnce(), perSecond);
    }

    /** Runs {@link StormClient} in its own JVM; returns the fields of its RESULT line. */
    private static String[] client(BenchContext ctx, String mode, List<String> options, long timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), StormClient.class.getName(), mode));
        command.addAll(options);
        Path log = ctx.logs().resolve("storm-client-" + mode + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("storm client " + mode + " did not finish in " + timeoutSeconds + " s");
        }
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("RESULT ")) {
                return line.split(" ");
            }
        }
        throw new IllegalStateException("storm client " + mode + " printed no result; see " + log);
    }

    private static void plot(BenchContext ctx, List<Outcome> outcomes, double outageFrom, double outage) {
        List<Charts.Panel> panels = new ArrayList<>();
        for (Outcome o : outcomes) {
            List<Charts.Series> series = new ArrayList<>();
            String[] names = {"200 (served)", "429 (over 50/s)", "503 (down)"};
            java.awt.Color[] colours = {new java.awt.Color(0x2ca02c), new java.awt.Color(0xff7f0e),
                    new java.awt.Color(0xd62728)};
            for (int k = 0; k < 3; k++) {
                long[] counts = o.perSecond()[k];
                double[] x = new double[counts.length];
                double[] y = new double[counts.length];
                for (int i = 0; i < counts.length; i++) {
                    x[i] = i;
                    y[i] = counts[i];
                }
                series.add(new Charts.Series(names[k], x, y, Charts.Style.STEP, colours[k]));
            }
            panels.add(new Charts.Panel(o.name() + ": hits/s", false, series,
                    List.of(new Charts.Line(UPSTREAM_RPS, "upstream allows 50/s"))));
        }
        Charts.write(ctx.plot("retry-storm.png"), "Upstream hits per second (down from "
                        + Table.num(outageFrom, 0) + " s to " + Table.num(outageFrom + outage, 0) + " s)",
                "seconds since the first request", false, panels, 900, 700);
    }

    private static String report(BenchContext ctx, String load, int requests, double rate, double outageFrom,
                                 double outage, Outcome diy, Outcome platform) {
        Table t = new Table("contender", "requests", "completed", "failed", "upstream hits", "200 / 429 / 503",
                "served twice or more", "amplification (hits ÷ requests)", "time to drain s", "client CPU s",
                "platform CPU s");
        for (Outcome o : List.of(diy, platform)) {
            t.row(o.name(), Table.num(o.requests()), Table.num(o.completed()), Table.num(o.failed()),
                    Table.num(o.hits()), Table.num(o.ok()) + " / " + Table.num(o.limited()) + " / " + Table.num(o.down()),
                    Table.num(o.servedTwice()), Table.num(o.amplification(), 2), Table.num(o.drainSeconds(), 1), Table.num(o.clientCpu(), 2),
                    Double.isNaN(o.platformCpu()) ? "—" : Table.num(o.platformCpu(), 1));
        }
        boolean met = platform.amplification() <= GOAL_AMPLIFICATION && platform.completed() == requests;
        StringBuilder md = new StringBuilder(ctx.provenance(load)).append("\n\n");
        md.append("An upstream stub (Netty) allows 50 requests/s (token bucket, one second of burst), answers 429 "
                + "with `Retry-After: 1` above that, and is down — 503 without `Retry-After` — from ")
                .append(Table.num(outageFrom, 0)).append(" s to ").append(Table.num(outageFrom + outage, 0))
                .append(" s after its first request. ").append(Table.num(requests)).append(" requests arrive at ").append(Table.num(rate, 0))
                .append("/s (open loop) at each contender:\n\n")
                .append("- (a) a client calling the upstream itself with Resilience4j Retry: 5 attempts, exponential "
                        + "backoff 0.5 s × 2ⁿ, retrying 429, 5xx and transport errors (the do-it-yourself "
                        + "baseline);\n")
                .append("- (b) a client submitting each request as a job (`retry_policy.max_retries` 4: the same "
                        + "5 attempts; a submission answered neither 201 nor 200 is sent again with the same "
                        + "idempotency key, which never makes a second job) to one api-service, three workers and one webhook-service, the destination "
                        + "configured at its published 50/s (`ezthrottle.pacing.domains[host:port].rps=50`), and "
                        + "waiting for each job's webhook. The workers share one pause per destination: a 5xx, 429 or "
                        + "transport failure pauses it for all of them (`Retry-After` when given, else 0.5 s doubling "
                        + "per consecutive failure up to 30 s, with jitter), one probe at a time goes out while it "
                        + "keeps failing, and the first success lifts it.\n\n")
                .append("Each client is a JVM of its own; client CPU is its process CPU time over the run. Platform "
                        + "CPU is that of the api, worker and webhook processes over the run. \"Served twice or more\" "
                        + "counts requests the upstream answered 200 more than once (the platform calls upstreams "
                        + "at least once; these are its repeats).\n\n");
        md.append(t.markdown()).append("\n");
        md.append("**Goal:** amplification ≤ 1.1 through the platform with every request completed — ")
                .append(Table.verdict(met)).append(" (amplification ").append(Table.num(platform.amplification(), 2))
                .append(", ").append(Table.num(platform.completed())).append(" of ").append(Table.num(requests))
                .append(" completed).\n\n");
        md.append(ctx.image("retry-storm.png", "upstream hits per second, client retry vs platform")).append("\n");
        return md.toString();
    }
}
