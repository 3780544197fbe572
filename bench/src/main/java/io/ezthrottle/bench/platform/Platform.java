package io.ezthrottle.bench.platform;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.ezthrottle.testsupport.RedisTestServer;

/**
 * A platform for one scenario: a Redis server of its own (the embedded redis-server binary of test-support) and the
 * services the scenario asks for, each a separate JVM. Nothing is shared between scenarios, so one scenario's
 * backlog never shows in another's numbers.
 */
public final class Platform implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(240);

    public final String apiKey = "bench_" + UUID.randomUUID().toString().replace("-", "");
    public final String prefix = "bench";
    private final String name;
    private final Path logs;
    private final List<String> common;
    private final RedisTestServer redis;
    private final RedisProbe probe;
    private final List<ServiceProcess> workers = new ArrayList<>();
    private final List<ServiceProcess> others = new ArrayList<>();
    private ServiceProcess api;
    private int generation;

    /** {@code extra} are Spring arguments every service gets (e.g. a default pace). */
    public Platform(String name, Path logs, String... extra) {
        this.name = name;
        this.logs = logs;
        this.redis = RedisTestServer.dedicated();
        this.probe = new RedisProbe(redis.port());
        this.common = new ArrayList<>(List.of(
                "--ezthrottle.redis.url=" + redis.url(),
                "--ezthrottle.redis.key-prefix=" + prefix,
                "--ezthrottle.bootstrap-api-key=" + apiKey,
                "--ezthrottle.egress.allow=127.0.0.1/32",
                "--spring.main.banner-mode=off"));
        common.addAll(List.of(extra));
    }

    private List<String> args(String... own) {
        return Stream.concat(common.stream(), Stream.of(own)).toList();
    }

    public ServiceProcess startApi(String... own) {
        api = ServiceProcess.start(name + "-api", "api", RedisTestServer.freePort(), args(own), logs);
        return api.awaitReady(START_TIMEOUT);
    }

    /** Starts {@code n} workers at once and waits until all are ready. */
    public List<ServiceProcess> startWorkers(int n, String... own) {
        generation++;
        List<ServiceProcess> started = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            started.add(ServiceProcess.start(name + "-worker" + generation + "-" + i, "worker",
                    RedisTestServer.freePort(), args(own), logs));
        }
        workers.addAll(started);
        return ServiceProcess.awaitAll(started, START_TIMEOUT);
    }

    public ServiceProcess startWebhook(String... own) {
        ServiceProcess webhook = ServiceProcess.start(name + "-webhook", "webhook", RedisTestServer.freePort(),
                args(own), logs);
        others.add(webhook);
        return webhook.awaitReady(START_TIMEOUT);
    }

    /** Stops every worker (SIGTERM, graceful). */
    public void stopWorkers() {
        workers.parallelStream().forEach(w -> w.stop(Duration.ofSeconds(40)));
        workers.clear();
    }

    public List<ServiceProcess> workers() {
        return List.copyOf(workers);
    }

    public ServiceProcess api() {
        return api;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + api.port();
    }

    public RedisProbe redis() {
        return probe;
    }

    public int redisPort() {
        return redis.port();
    }

    /** The any-region job stream (see core's RedisKeys). */
    public String jobStream() {
        return prefix + ":{q}:jobs";
    }

    /** CPU seconds used so far by every service process of this platform. */
    public double serviceCpuSeconds() {
        double sum = api == null ? 0 : api.cpuSeconds();
        for (ServiceProcess p : workers) {
            sum += p.cpuSeconds();
        }
        for (ServiceProcess p : others) {
            sum += p.cpuSeconds();
        }
        return sum;
    }

    @Override
    public void close() {
        stopWorkers();
        others.forEach(ServiceProcess::close);
        if (api != null) {
            api.close();
        }
        probe.close();
        redis.stop();
    }
}
