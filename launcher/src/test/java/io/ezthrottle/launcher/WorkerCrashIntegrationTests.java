package io.ezthrottle.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Crash safety with real processes: a worker killed with SIGKILL mid-drain loses nothing, and a worker stopped
 * with SIGTERM finishes its in-flight calls and hands the rest back, so nothing runs twice.
 */
class WorkerCrashIntegrationTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void killedWorkerLosesNothingAndEveryWebhookIsSentOnce() {
        try (TestPlatform platform = new TestPlatform(0, "--ezthrottle.pacing.default-rps=5",
                "--ezthrottle.worker.heartbeat-ttl=2s");
             HttpStub upstream = new HttpStub(); HttpStub hooks = new HttpStub();
             WorkerProcess doomed = new WorkerProcess(platform.commonArgs())) {
            doomed.awaitReady(Duration.ofSeconds(180));
            List<String> ids = submit(platform, upstream, hooks, 30);
            upstream.awaitCount(5, Duration.ofSeconds(20));
            doomed.kill();
            int seenAtKill = upstream.count();
            assertThat(seenAtKill).as("killed mid-drain").isLessThan(30);

            platform.addWorker();
            hooks.awaitCount(30, Duration.ofSeconds(120));
            Map<String, Long> perJob = webhooksPerJob(hooks);
            assertThat(perJob.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(perJob.values()).as("webhooks per job").allMatch(n -> n == 1);
            for (String id : ids) {
                assertThat(platform.json(platform.get("/api/v1/jobs/" + id)).path("status").asString()).isEqualTo("completed");
            }
        }
    }

    @Test
    void terminatedWorkerFinishesInFlightCallsAndHandsBackTheRest() {
        try (TestPlatform platform = new TestPlatform(0, "--ezthrottle.pacing.default-rps=5",
                "--ezthrottle.worker.heartbeat-ttl=2s");
             HttpStub upstream = new HttpStub(); HttpStub hooks = new HttpStub();
             WorkerProcess leaving = new WorkerProcess(platform.commonArgs())) {
            upstream.respond(r -> {
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(1500).toNanos());
                return HttpStub.Response.ok("{}");
            });
            leaving.awaitReady(Duration.ofSeconds(180));
            List<String> ids = submit(platform, upstream, hooks, 12);
            upstream.awaitCount(2, Duration.ofSeconds(20));
            leaving.terminate();
            assertThat(leaving.waitFor(Duration.ofSeconds(30))).as("worker exited after SIGTERM").isTrue();
            assertThat(leaving.output()).contains("stopped: 0 calls still active");

            platform.addWorker();
            hooks.awaitCount(12, Duration.ofSeconds(120));
            Map<String, Long> calls = upstream.requests().stream()
                    .collect(Collectors.groupingBy(r -> r.query(), Collectors.counting()));
            assertThat(calls).hasSize(12);
            assertThat(calls.values()).as("upstream calls per job: a graceful stop re-runs nothing").allMatch(n -> n == 1);
            assertThat(webhooksPerJob(hooks).keySet()).containsExactlyInAnyOrderElementsOf(ids);
        }
    }

    private static List<String> submit(TestPlatform platform, HttpStub upstream, HttpStub hooks, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var r = platform.post("/api/v1/jobs", """
                    {"url": "%s/c?i=%d", "idempotent_key": "crash-%s", "webhooks": [{"url": "%s/h"}]}
                    """.formatted(upstream.url(), i, UUID.randomUUID(), hooks.url()));
            assertThat(r.statusCode()).isEqualTo(201);
            ids.add(platform.json(r).path("job_id").asString());
        }
        return ids;
    }

    private static Map<String, Long> webhooksPerJob(HttpStub hooks) {
        return hooks.requests().stream()
                .map(r -> JSON.readTree(r.bodyText()).path("job_id").asString())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
