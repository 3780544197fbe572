package io.ezthrottle.webhook.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobPayloadParser;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.UpstreamResponse;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.secret.WebhookSecretStore;
import io.ezthrottle.core.secret.WebhookSecrets;
import io.ezthrottle.testsupport.RedisTestServer;
import io.ezthrottle.webhook.WebhookApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;

/**
 * Delivery benchmark (not a test): the real webhook dispatcher against its own embedded Redis and a loopback
 * receiver in this JVM. Job records are written beforehand, as a worker would have written them; the clock starts
 * when a result is published on the results stream (the worker's last step after the upstream answered) and stops
 * when the receiver has the signed webhook. Every delivery's signature is checked by the receiver.
 *
 * <p>Phases: warm-up; throughput (all results published at once, deliveries per second until the last one
 * arrives); latency (results published at a steady rate, p50/p99/max from publish to arrival).
 *
 * <p>Arguments (all optional): {@code throughputJobs} (default 50000), {@code latencyRates} per second, comma
 * separated (200,1000), {@code latencySeconds} per rate (10), {@code warmupJobs} (40000; then more, until the JIT compiler is nearly idle). With
 * {@code -Dbench.report=BENCHMARKS.md} the results replace that file's "Delivery" section.
 */
public final class DeliveryBenchmark {

    private static final String SECRET = "bench-primary-secret-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_SETTLE_ROUNDS = 30;

    private final Map<String, Long> published = new ConcurrentHashMap<>();
    private final Map<String, Long> arrived = new ConcurrentHashMap<>();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private final AtomicLong received = new AtomicLong();

    private RedisJobStore jobs;
    private JobStreams streams;
    private JobIds ids;
    private JobSpec spec;

    public static void main(String[] args) throws Exception {
        int throughputJobs = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int[] latencyRates = java.util.Arrays.stream((args.length > 1 ? args[1] : "200,1000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int latencySeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int warmupJobs = args.length > 3 ? Integer.parseInt(args[3]) : 40_000;
        new DeliveryBenchmark().run(throughputJobs, latencyRates, latencySeconds, warmupJobs);
        System.exit(0);
    }

    private void run(int throughputJobs, int[] latencyRates, int latencySeconds, int warmupJobs) throws Exception {
        DeliveryReport report = new DeliveryReport();
        RedisTestServer redis = RedisTestServer.dedicated();
        // The receiver gets event loops of its own, as it would in its own process.
        DisposableServer receiver = HttpServer.create().host("127.0.0.1").port(0)
                .runOn(LoopResources.create("receiver", 1, true))
                .handle((req, res) -> req.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                        .flatMap(body -> {
                            record(req.requestHeaders().get("X-EZThrottle-Signature"), body);
                            return res.status(200).header("Content-Length", "2").header("Content-Type", "application/json")
                                    .sendString(Mono.just("{}")).then();
                        }))
                .bindNow();
        ConfigurableApplicationContext dispatcher = new SpringApplicationBuilder(WebhookApplication.class)
                .web(WebApplicationType.NONE)
                .run("--ezthrottle.redis.url=" + redis.url(),
                        "--ezthrottle.redis.key-prefix=bench",
                        "--ezthrottle.egress.allow=127.0.0.1/32",
                        // One loopback receiver is the whole audience here: lift the per-domain pace out of the way.
                        "--ezthrottle.webhook.receiver.rps=1000000",
                        "--ezthrottle.webhook.receiver.burst=1000000",
                        "--ezthrottle.webhook.receiver.max-in-flight=256",
                        "--ezthrottle.webhook.max-in-flight=256",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN");
        try {
            jobs = dispatcher.getBean(RedisJobStore.class);
            streams = dispatcher.getBean(JobStreams.class);
            ids = dispatcher.getBean(JobIds.class);
            dispatcher.getBean(WebhookSecretStore.class).save("bench-tenant", new WebhookSecrets(SECRET, null)).block();
            spec = new JobPayloadParser().parse(JSON.readTree("""
                    {"url": "https://api.example.com/orders", "webhooks": [{"url": "http://127.0.0.1:%d/hook"}],
                     "metadata": {"order": 42}}""".formatted(receiver.port())));

            System.out.printf("cores=%d java=%s netty_leak_detection=%s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), io.netty.util.ResourceLeakDetector.getLevel());
            // Long enough for the JIT to finish with the hot paths; its compile threads would otherwise be measured too.
            for (int done = 0; done < warmupJobs; done += 10_000) {
                phase("warm-up", prepare(Math.min(10_000, warmupJobs - done)), 0);
            }
            int warmedUp = warmupJobs + settleJit();
            List<String> batch = prepare(throughputJobs);
            double redisCpuBefore = redisCpuSeconds(dispatcher);
            Map<String, Long> commandsBefore = redisCommands(dispatcher, "calls=");
            Map<String, Long> usecBefore = redisCommands(dispatcher, "usec=");
            long jvmCpuBefore = jvmCpuNanos();
            long allocatedBefore = allocatedBytes();
            long jitMsBefore = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
            long start = System.nanoTime();
            System.out.printf("PHASE throughput starts at %s%n", java.time.LocalTime.now());
            phase("throughput", batch, 0);
            System.out.printf("PHASE throughput ends at %s%n", java.time.LocalTime.now());
            long last = batch.stream().mapToLong(arrived::get).max().orElse(start);
            double jvmCpuMs = (jvmCpuNanos() - jvmCpuBefore) / 1e6;
            double redisCpuMs = (redisCpuSeconds(dispatcher) - redisCpuBefore) * 1000;
            // The JIT compiling during the run is counted in the JVM's CPU too: if this is large, the warm-up was short.
            System.out.printf("JIT ms_compiling_during_throughput=%d%n",
                    java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitMsBefore);
            System.out.printf("ALLOCATED kB_per_delivery=%.1f%n", (allocatedBytes() - allocatedBefore) / 1024.0 / batch.size());
            String commands = commandsPerDelivery(commandsBefore, redisCommands(dispatcher, "calls="), batch.size());
            System.out.printf("REDIS commands per delivery: %s%n", commands);
            // Time Redis spent executing each command (a script's commands counted in it and again on their own),
            // apart from reading and writing the connections: where its CPU per delivery goes.
            System.out.printf("REDIS command µs per delivery: %s%n",
                    commandsPerDelivery(usecBefore, redisCommands(dispatcher, "usec="), batch.size()));
            double perSecond = batch.size() / ((last - start) / 1e9);
            System.out.printf("THROUGHPUT jobs=%d seconds=%.2f deliveries_per_second=%.0f%n", batch.size(),
                    (last - start) / 1e9, perSecond);
            // CPU spent per delivery, independent of what else runs on the machine: this JVM (dispatcher, receiver
            // and the publishing driver together) and the Redis server.
            double perDeliveryUs = (jvmCpuMs + redisCpuMs) * 1000 / batch.size();
            int cores = Runtime.getRuntime().availableProcessors();
            System.out.printf("CPU jvm_us_per_delivery=%.0f redis_us_per_delivery=%.0f capacity_on_%d_cores=%.0f/s%n",
                    jvmCpuMs * 1000 / batch.size(), redisCpuMs * 1000 / batch.size(), cores, cores * 1e6 / perDeliveryUs);

            StringBuilder latencyRows = new StringBuilder();
            double worstP99 = 0;
            for (int rate : latencyRates) {
                List<String> paced = prepare(rate * latencySeconds);
                phase("latency", paced, rate);
                long[] ms = paced.stream().mapToLong(id -> arrived.get(id) - published.get(id)).sorted().toArray();
                System.out.printf("LATENCY rate=%d/s jobs=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f%n", rate,
                        ms.length, pct(ms, 0.50), pct(ms, 0.90), pct(ms, 0.99), ms[ms.length - 1] / 1e6);
                latencyRows.append(String.format(Locale.ROOT,
                        "| latency at %,d results/s for %d s: p50 / p90 / p99 / max | %.1f / %.1f / **%.1f** / %.1f ms |%n",
                        rate, latencySeconds, pct(ms, 0.50), pct(ms, 0.90), pct(ms, 0.99), ms[ms.length - 1] / 1e6));
                worstP99 = Math.max(worstP99, pct(ms, 0.99));
            }
            System.out.printf("SIGNATURES checked=%d bad=%d%n", received.get(), badSignatures.get());
            long duplicates = received.get() - arrived.size();
            report.add(String.format(Locale.ROOT, """
                    | measure | value |
                    |---|---|
                    | throughput (%,d results published at once, after %,d warm-up deliveries) | **%,.0f signed deliveries/s** |
                    %s| CPU per delivery during the throughput run: this JVM (dispatcher + receiver + publisher) / Redis | %.0f µs / %.0f µs |
                    | deliveries the CPU cost alone would allow on %d idle cores | %,.0f/s |
                    | signatures checked by the receiver / invalid | %,d / %d |
                    | extra deliveries (a timed-out attempt sent again: at-least-once) | %,d |
                    """, batch.size(), warmedUp, perSecond, latencyRows, jvmCpuMs * 1000 / batch.size(),
                    redisCpuMs * 1000 / batch.size(), cores, cores * 1e6 / perDeliveryUs, received.get(),
                    badSignatures.get(), duplicates));
            String output = System.getProperty("bench.report");
            if (output != null) {
                report.write(Path.of(output), System.getProperty("bench.command", String.join("\n",
                        "mvn -B -o -q test-compile -pl webhook-service -am",
                        "mvn -B -o -q dependency:build-classpath -pl webhook-service -am -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/wh-cp.txt",
                        "CP=\"webhook-service/target/test-classes:webhook-service/target/classes:core/target/classes:test-support/target/classes:$(tr : \"\\n\" </tmp/wh-cp.txt | grep -v /io/ezthrottle/ | paste -sd:)\"",
                        "java -Dbench.report=BENCHMARKS.md -cp \"$CP\" io.ezthrottle.webhook.bench.DeliveryBenchmark 50000 200,1000 10 40000")),
                        perSecond >= 5000 && worstP99 <= 20);
                System.out.println("REPORT written to " + output);
            }
        } finally {
            dispatcher.close();
            receiver.disposeNow();
            redis.stop();
        }
    }

    /**
     * Goes on warming up, 10,000 deliveries at a time, until the JIT compiler is nearly idle (compiling for less than
     * 5 % of a round's time), at most {@link #MAX_SETTLE_ROUNDS} rounds. On 2 cores the compiler still worked for
     * seconds after 40,000 deliveries and its CPU was counted as the dispatcher's. Returns the extra deliveries.
     */
    private int settleJit() throws InterruptedException {
        var jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        int extra = 0;
        for (int round = 0; round < MAX_SETTLE_ROUNDS; round++) {
            List<String> jobs = prepare(10_000);
            long compiledBefore = jit.getTotalCompilationTime();
            long start = System.nanoTime();
            phase("warm-up", jobs, 0);
            long compiledMs = jit.getTotalCompilationTime() - compiledBefore;
            long roundMs = (System.nanoTime() - start) / 1_000_000;
            extra += jobs.size();
            System.out.printf("WARM-UP round=%d jit_ms=%d round_ms=%d%n", round, compiledMs, roundMs);
            if (compiledMs < roundMs / 20) {
                break;
            }
        }
        return extra;
    }

    /** Bytes allocated so far by this JVM's live threads (all of the run's threads live until its end). */
    private static long allocatedBytes() {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        return java.util.Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds())).filter(b -> b > 0).sum();
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double redisCpuSeconds(ConfigurableApplicationContext context) {
        Map<String, String> cpu = context.getBean(org.redisson.api.RedissonClient.class)
                .getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).getInstance()
                .info(org.redisson.api.redisnode.RedisNode.InfoSection.CPU);
        return Double.parseDouble(cpu.get("used_cpu_sys")) + Double.parseDouble(cpu.get("used_cpu_user"));
    }

    /** Calls (or µs, by {@code measure}) per command since the Redis server started, from {@code INFO commandstats}. */
    private static Map<String, Long> redisCommands(ConfigurableApplicationContext context, String measure) {
        Map<String, String> stats = context.getBean(org.redisson.api.RedissonClient.class)
                .getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).getInstance()
                .info(org.redisson.api.redisnode.RedisNode.InfoSection.COMMANDSTATS);
        Map<String, Long> calls = new java.util.TreeMap<>();
        stats.forEach((name, value) -> {
            int at = value.indexOf(measure);
            if (name.startsWith("cmdstat_") && at >= 0) {
                int end = value.indexOf(',', at);
                calls.put(name.substring("cmdstat_".length()),
                        Long.parseLong(value.substring(at + measure.length(), end < 0 ? value.length() : end)));
            }
        });
        return calls;
    }

    /** "total (name n.nn, ...)" per delivery, busiest first; the publisher's XADD (the worker's step) included. */
    private static String commandsPerDelivery(Map<String, Long> before, Map<String, Long> after, int deliveries) {
        Map<String, Double> per = new java.util.TreeMap<>();
        after.forEach((name, n) -> {
            long delta = n - before.getOrDefault(name, 0L);
            if (delta > 0 && !name.equals("info")) {
                per.put(name, (double) delta / deliveries);
            }
        });
        double total = per.values().stream().mapToDouble(Double::doubleValue).sum();
        return String.format(Locale.ROOT, "%.2f (%s)", total, per.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "`%s` %.2f", e.getKey(), e.getValue()))
                .collect(java.util.stream.Collectors.joining(", ")));
    }

    /** Writes finished job records (not timed), as a worker would before publishing the results. */
    private List<String> prepare(int n) {
        long now = System.currentTimeMillis();
        List<String> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(ids.next());
        }
        UpstreamResponse response = new UpstreamResponse(200, Map.of("content-type", "application/json"), "{\"id\": 1}");
        Flux.fromIterable(batch)
                .flatMap(id -> jobs.create(new JobRecord(id, "bench-tenant", Surface.CLOUD, JobState.QUEUED,
                                spec.withIdempotentKey("k-" + id), "k-" + id, now, now, 0, null, null, null))
                        .then(jobs.transition(id, JobState.COMPLETED, jobs.outcomeFields(response, null, 1))), 256)
                .blockLast();
        return batch;
    }

    /** Publishes the results (all at once when {@code rate} is 0) and waits for every delivery. */
    private void phase(String name, List<String> batch, int rate) throws InterruptedException {
        int target = arrived.size() + batch.size();
        Flux<String> source = Flux.fromIterable(batch);
        if (rate > 0) {
            // Evenly spaced ticks (at most 1000/s), each publishing its share: a steady rate without a timer per job.
            int ticksPerSecond = Math.min(rate, 1000);
            int perTick = rate / ticksPerSecond;
            // Ticks buffer when publishing falls behind; each job's clock starts when it is actually published.
            source = Flux.interval(Duration.ofNanos(1_000_000_000L / ticksPerSecond)).onBackpressureBuffer()
                    .take((batch.size() + perTick - 1) / perTick)
                    .concatMap(t -> Flux.fromIterable(batch.subList((int) (t * perTick), (int) Math.min(batch.size(), (t + 1) * perTick))));
        }
        source.flatMap(id -> Mono.defer(() -> {
            published.put(id, System.nanoTime());
            return streams.publishResult(id);
        }), 256).blockLast();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        // Every job id is new, so the phase is done when the count of distinct arrivals reaches the target.
        while (arrived.size() < target || !batch.stream().allMatch(arrived::containsKey)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + ": deliveries missing");
            }
            Thread.sleep(20); // a benchmark driver, not a test: polling the receiver's count is all this is
        }
    }

    private void record(String signature, byte[] body) {
        long now = System.nanoTime();
        String text = new String(body, StandardCharsets.UTF_8);
        int start = text.indexOf("\"job_id\":\"") + 10;
        String jobId = text.substring(start, text.indexOf('"', start));
        arrived.putIfAbsent(jobId, now);
        received.incrementAndGet();
        if (!valid(signature, body)) {
            badSignatures.incrementAndGet();
        }
    }

    private static boolean valid(String header, byte[] body) {
        if (header == null || !header.startsWith("t=")) {
            return false;
        }
        String t = header.substring(2, header.indexOf(','));
        String v1 = header.substring(header.indexOf("v1=") + 3);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body)).equals(v1);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    private static double pct(long[] sortedNanos, double p) {
        return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1)] / 1e6;
    }

}
