package io.ezthrottle.bench.storm;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.ezthrottle.bench.load.HttpLoadClient;
import io.ezthrottle.bench.load.OpenLoopSchedule;
import io.ezthrottle.bench.stub.NettyStub;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client side of the retry storm, in a JVM of its own so its CPU time is its own. Two contenders:
 * <ul>
 *   <li>{@code diy}: calls the upstream itself with Resilience4j Retry (5 attempts, exponential backoff 0.5 s × 2^n,
 *   retrying 429, 5xx and transport errors), the do-it-yourself baseline;</li>
 *   <li>{@code platform}: submits each request as a job (same attempt budget: {@code max_retries 4}; a failed
 *   submission is sent again with the same idempotency key) and waits for its webhook.</li>
 * </ul>
 * Requests arrive open-loop at a fixed rate. Prints one line {@code RESULT completed failed drainSeconds cpuSeconds}.
 */
public final class StormClient {

    private StormClient() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int requests = Integer.parseInt(o.get("requests"));
        double rate = Double.parseDouble(o.get("rate"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(o.getOrDefault("timeout", "3600")));
        long cpuStart = cpuNanos();
        long start = System.nanoTime();
        long[] outcome = switch (args[0]) {
            case "diy" -> diy(o.get("upstream"), requests, rate, timeout);
            case "platform" -> platform(o.get("api"), o.get("key"), o.get("upstream"), requests, rate, timeout);
            default -> throw new IllegalArgumentException("diy or platform");
        };
        double drain = (outcome[2] - start) / 1e9;
        double cpu = (cpuNanos() - cpuStart) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "RESULT %d %d %.3f %.3f%n", outcome[0], outcome[1], drain, cpu);
        System.exit(0);
    }

    /** Returns {completed, failed, nanoTime of the last outcome}. */
    static long[] diy(String upstream, int requests, double rate, Duration timeout) throws InterruptedException {
        RetryConfig config = RetryConfig.<Integer>custom()
                .maxAttempts(5)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(500), 2.0))
                .retryOnResult(status -> status == 429 || status >= 500)
                .retryExceptions(Exception.class)
                .build();
        Retry retry = Retry.of("upstream", config);
        ConnectionProvider pool = ConnectionProvider.builder("diy").maxConnections(1000).pendingAcquireMaxCount(-1)
                .build();
        HttpClient http = HttpClient.create(pool).responseTimeout(Duration.ofSeconds(30));
        LongAdder completed = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicLong last = new AtomicLong();
        CountDownLatch done = new CountDownLatch(requests);
        OpenLoopSchedule schedule = OpenLoopSchedule.ofCount(rate, requests);
        long begin = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            waitUntil(begin + schedule.offsetNanos(i));
            String url = upstream + "?i=" + i;
            Mono.defer(() -> http.get().uri(url).responseSingle((r, body) -> body.then(Mono.just(r.status().code()))))
                    .transformDeferred(RetryOperator.of(retry))
                    .onErrorReturn(-1)
                    .subscribe(status -> {
                        (status >= 200 && status < 300 ? completed : failed).increment();
                        last.accumulateAndGet(System.nanoTime(), Math::max);
                        done.countDown();
                    });
        }
        done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return new long[] {completed.sum(), failed.sum() + done.getCount(), last.get()};
    }

    /** Returns {completed, failed, nanoTime of the last webhook}. */
    static long[] platform(String api, String key, String upstream, int requests, double rate, Duration timeout)
            throws InterruptedException {
        JsonMapper json = JsonMapper.builder().build();
        Map<String, String> outcomes = new ConcurrentHashMap<>();
        AtomicLong last = new AtomicLong();
        try (NettyStub hooks = NettyStub.start(1, 1, true);
             HttpLoadClient client = new HttpLoadClient(api, key, 512)) {
            hooks.recording(false).respond(r -> {
                JsonNode body = json.readTree(r.body());
                String status = body.path("status").asString();
                if (outcomes.putIfAbsent(body.path("job_id").asString(), status) == null) {
                    last.accumulateAndGet(System.nanoTime(), Math::max);
                }
                return NettyStub.Answer.ok();
            });
            String hook = hooks.url("/hook");
            LongAdder accepted = new LongAdder();
            CountDownLatch submitted = new CountDownLatch(requests);
            OpenLoopSchedule schedule = OpenLoopSchedule.ofCount(rate, requests);
            String run = Long.toHexString(System.nanoTime());
            long begin = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                waitUntil(begin + schedule.offsetNanos(i));
                String job = "{\"url\":\"" + upstream + "?i=" + i + "\",\"method\":\"GET\",\"idempotent_key\":\"storm-"
                        + run + "-" + i + "\",\"retry_policy\":{\"max_retries\":4},\"webhooks\":[{\"url\":\"" + hook
                        + "\"}]}";
                submit(client, job).subscribe(status -> {
                    if (status == 201 || status == 200) {
                        accepted.increment();
                    }
                    submitted.countDown();
                });
            }
            submitted.await(5, TimeUnit.MINUTES);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (outcomes.size() < accepted.sum() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Map<String, Long> counts = new HashMap<>();
            outcomes.values().forEach(s -> counts.merge(s, 1L, Long::sum));
            long completed = counts.getOrDefault("success", 0L);
            return new long[] {completed, requests - completed, last.get()};
        }
    }

    /**
     * Submits a job as a careful client does: an answer that is neither 201 nor 200 (a 5xx or no answer, e.g. when a
     * loaded box makes Redis time out) is sent again with the same idempotency key, which can never make a second
     * job (a job that was created after all is answered 200, duplicate). Emits the last status, -1 for no answer.
     */
    private static Mono<Integer> submit(HttpLoadClient client, String job) {
        return Mono.defer(() -> client.postStatus("/api/v1/jobs", job))
                .onErrorReturn(-1)
                .flatMap(status -> status == 201 || status == 200 || (status >= 400 && status < 500 && status != 429)
                        ? Mono.just(status) : Mono.error(new IllegalStateException("status " + status)))
                .retryWhen(reactor.util.retry.Retry.backoff(5, Duration.ofMillis(250)))
                .onErrorReturn(-1);
    }

    private static void waitUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            o.put(a.substring(2, eq), a.substring(eq + 1));
        }
        return o;
    }
}
