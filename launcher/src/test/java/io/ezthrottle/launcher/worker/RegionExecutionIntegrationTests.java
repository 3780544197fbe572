package io.ezthrottle.launcher.worker;

import static io.ezthrottle.launcher.worker.Scenarios.after;
import static io.ezthrottle.launcher.worker.Scenarios.awaitWebhook;
import static io.ezthrottle.launcher.worker.Scenarios.awaitWebhookRequest;
import static io.ezthrottle.launcher.worker.Scenarios.hash;
import static io.ezthrottle.launcher.worker.Scenarios.hooks;
import static io.ezthrottle.launcher.worker.Scenarios.ok;
import static io.ezthrottle.launcher.worker.Scenarios.settle;
import static io.ezthrottle.launcher.worker.Scenarios.status;
import static io.ezthrottle.launcher.worker.Scenarios.submit;
import static io.ezthrottle.launcher.worker.Scenarios.uniqueKey;
import static io.ezthrottle.launcher.worker.Scenarios.webhooks;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.ezthrottle.core.queue.LiveRegions;
import io.ezthrottle.launcher.TestPlatform;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Issue 3 item 4: regions are real. Two workers, one in {@code iad} and one in {@code lax}; {@code ord} and
 * {@code syd} have no worker. Race, fanout, strict and fallback region policies as users see them: upstream calls,
 * webhooks, and the job status.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegionExecutionIntegrationTests {

    private static final Duration WEBHOOK_WAIT = Duration.ofSeconds(15);

    private TestPlatform platform;

    @BeforeAll
    void start() {
        // A long heartbeat lifetime keeps both regions live even when a loaded CI machine starves the JVM.
        platform = new TestPlatform(List.of(new String[] {"--ezthrottle.region=iad"}, new String[] {"--ezthrottle.region=lax"}),
                "--ezthrottle.worker.heartbeat-ttl=30s");
        LiveRegions live = Scenarios.bean(platform, LiveRegions.class);
        Await.until(() -> live.regions().block(Duration.ofSeconds(5)).containsAll(Set.of("iad", "lax")),
                Duration.ofSeconds(10), () -> "both regions live");
    }

    @AfterAll
    void stop() {
        platform.close();
    }

    @Test
    void raceRunsInEveryListedRegionAndDeliversOnlyTheFirstSuccess() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            AtomicInteger calls = new AtomicInteger();
            // Slow enough that both regions' calls are on the wire at once (the second is paced 500 ms later).
            upstream.respond(r -> after(Duration.ofMillis(1200), ok("{\"call\":" + calls.incrementAndGet() + "}")));
            JsonNode submitted = submit(platform, """
                    {"url": "%s/race", "regions": ["iad", "lax"], "execution_mode": "race", "webhooks": %s,
                     "idempotent_key": "%s", "metadata": {"case": "race"}}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("race")));
            assertThat(submitted.path("status").asString()).isEqualTo("racing");
            String id = submitted.path("job_id").asString();

            JsonNode hook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(hook.path("status").asString()).isEqualTo("success");
            assertThat(hook.path("response").path("status_code").asInt()).isEqualTo(200);
            assertThat(hook.path("response").path("body").asString()).isEqualTo("{\"call\":1}");
            assertThat(hook.path("metadata").path("case").asString()).isEqualTo("race");

            // Both regions really called the upstream, each from its own region's worker.
            upstream.awaitCount(2, Duration.ofSeconds(10));
            Await.until(() -> {
                Map<String, String> h = hash(platform, id);
                return "done".equals(h.get("a:0@iad")) && "done".equals(h.get("a:0@lax"));
            }, Duration.ofSeconds(10), () -> "both race attempts ended: " + hash(platform, id));
            Map<String, String> ledger = hash(platform, id);
            assertThat(ledger.get("ao:0@iad")).startsWith("iad-");
            assertThat(ledger.get("ao:0@lax")).startsWith("lax-");

            // The loser's success came later and changed nothing.
            settle(platform, receiver);
            assertThat(webhooks(receiver, id)).hasSize(1);
            assertThat(upstream.count()).isEqualTo(2);
            JsonNode job = status(platform, id);
            assertThat(job.path("status").asString()).isEqualTo("completed");
            assertThat(job.path("status_code").asInt()).isEqualTo(200);
        }
    }

    @Test
    void fanoutRunsInEveryRegionAndReportsOnceWhenTheLastOneEnds() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            AtomicInteger calls = new AtomicInteger();
            upstream.respond(r -> after(Duration.ofMillis(800), ok("{\"call\":" + calls.incrementAndGet() + "}")));
            JsonNode submitted = submit(platform, """
                    {"url": "%s/fanout", "regions": ["iad", "lax"], "execution_mode": "fanout", "webhooks": %s,
                     "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("fanout")));
            assertThat(submitted.path("status").asString()).isEqualTo("queued");
            String id = submitted.path("job_id").asString();

            HttpStub.Request hookRequest = awaitWebhookRequest(receiver, id, WEBHOOK_WAIT);
            JsonNode hook = Scenarios.json(hookRequest.bodyText());
            assertThat(hook.path("status").asString()).isEqualTo("success");
            assertThat(hook.path("response").path("status_code").asInt()).isEqualTo(200);
            assertThat(hook.path("response").path("body").asString()).as("the first success is reported")
                    .isEqualTo("{\"call\":1}");

            // Every region executed, and the result went out only after the last one answered.
            List<HttpStub.Request> arrivals = upstream.requests();
            assertThat(arrivals).hasSize(2);
            long lastAnswered = arrivals.get(1).arrivedNanos() + Duration.ofMillis(800).toNanos();
            assertThat(hookRequest.arrivedNanos()).isGreaterThan(lastAnswered);
            Map<String, String> ledger = hash(platform, id);
            assertThat(ledger).containsEntry("a:0@iad", "done").containsEntry("a:0@lax", "done");

            settle(platform, receiver);
            assertThat(webhooks(receiver, id)).hasSize(1);
            JsonNode job = status(platform, id);
            assertThat(job.path("status").asString()).isEqualTo("completed");
            assertThat(job.path("status_code").asInt()).isEqualTo(200);
        }
    }

    @Test
    void fanoutWithOneRegionFailingLastStillReportsTheSuccess() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            AtomicInteger calls = new AtomicInteger();
            // First region answers 200 at once; the other answers 400 (final, not retried) after the first ended.
            upstream.respond(r -> calls.incrementAndGet() == 1 ? ok("{\"region\":\"good\"}")
                    : after(Duration.ofMillis(800), Scenarios.status(400)));
            String id = submit(platform, """
                    {"url": "%s/fanout-mixed", "regions": ["iad", "lax"], "execution_mode": "fanout", "webhooks": %s,
                     "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("fanout_mixed"))).path("job_id").asString();

            JsonNode hook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(upstream.count()).isEqualTo(2);
            assertThat(hook.path("status").asString()).isEqualTo("success");
            assertThat(hook.path("response").path("status_code").asInt()).as(hook.toString()).isEqualTo(200);
            assertThat(hook.path("response").path("body").asString()).isEqualTo("{\"region\":\"good\"}");
            assertThat(hook.has("error")).as(hook.toString()).isFalse();
            JsonNode job = status(platform, id);
            assertThat(job.path("status").asString()).isEqualTo("completed");
            assertThat(job.path("status_code").asInt()).isEqualTo(200);
            assertThat(job.has("error")).as(job.toString()).isFalse();
        }
    }

    @Test
    void strictPolicyWithARegionWithoutWorkerFailsAtOnce() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            String id = submit(platform, """
                    {"url": "%s/strict", "regions": ["iad", "ord"], "region_policy": "strict", "webhooks": %s,
                     "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("strict"))).path("job_id").asString();

            JsonNode hook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(hook.path("status").asString()).isEqualTo("failed");
            assertThat(hook.path("error").asString()).contains("region unavailable").contains("ord");
            assertThat(hook.path("response").isNull()).isTrue();
            JsonNode job = status(platform, id);
            assertThat(job.path("status").asString()).isEqualTo("failed");
            assertThat(job.path("error").asString()).contains("region unavailable");

            settle(platform, receiver);
            assertThat(upstream.count()).as("no region ran the job").isZero();
            assertThat(webhooks(receiver, id)).hasSize(1);
        }
    }

    @Test
    void fallbackPolicyWithOnlyDeadListedRegionsRunsWhereAWorkerIs() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            String id = submit(platform, """
                    {"url": "%s/anywhere", "regions": ["ord", "syd"], "region_policy": "fallback", "webhooks": %s,
                     "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("dead_regions"))).path("job_id").asString();

            JsonNode hook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(hook.path("status").asString()).isEqualTo("success");
            assertThat(hook.path("response").path("status_code").asInt()).isEqualTo(200);
            assertThat(upstream.count()).isEqualTo(1);
            assertThat(hash(platform, id)).containsEntry("a:0@*", "done");
            assertThat(status(platform, id).path("status").asString()).isEqualTo("completed");
        }
    }

    @Test
    void fallbackPolicySkipsAListedRegionWithoutWorker() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            String id = submit(platform, """
                    {"url": "%s/partial", "regions": ["lax", "ord"], "webhooks": %s, "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("partial"))).path("job_id").asString();

            JsonNode hook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(hook.path("status").asString()).isEqualTo("success");
            Map<String, String> ledger = hash(platform, id);
            assertThat(ledger).containsEntry("a:0@lax", "done").doesNotContainKey("a:0@ord");
            assertThat(ledger.get("ao:0@lax")).startsWith("lax-");
            assertThat(upstream.count()).isEqualTo(1);
        }
    }
}
