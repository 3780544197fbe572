package io.ezthrottle.launcher.worker;

import static io.ezthrottle.launcher.worker.Scenarios.after;
import static io.ezthrottle.launcher.worker.Scenarios.awaitChildWebhook;
import static io.ezthrottle.launcher.worker.Scenarios.awaitWebhook;
import static io.ezthrottle.launcher.worker.Scenarios.awaitWebhookRequest;
import static io.ezthrottle.launcher.worker.Scenarios.childWebhooks;
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

import io.ezthrottle.launcher.TestPlatform;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Issue 3 item 5: workflows. Fallback chains with on_error and on_timeout triggers, on_success / on_failure
 * follow-up jobs, on_failure_timeout_ms and retry_at, observed through upstream arrivals, webhooks and the job API.
 * Every stage talks to a stub of its own, so each is its own destination and the stages are not paced together.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkflowIntegrationTests {

    private static final Duration WEBHOOK_WAIT = Duration.ofSeconds(15);

    private TestPlatform platform;

    @BeforeAll
    void start() {
        platform = new TestPlatform(1);
    }

    @AfterAll
    void stop() {
        platform.close();
    }

    @Test
    void matchingOnErrorCodeRunsTheFallbackAndReportsItUnderTheRootJob() {
        try (HttpStub primary = new HttpStub(); HttpStub fallback = new HttpStub(); HttpStub receiver = new HttpStub()) {
            primary.respond(r -> Scenarios.status(500));
            fallback.respond(r -> ok("{\"from\":\"fallback\"}"));
            String key = uniqueKey("fallback_on_error");
            String id = submit(platform, """
                    {"url": "%s/primary", "webhooks": %s, "idempotent_key": "%s", "metadata": {"order": 7},
                     "fallback_job": {"url": "%s/fallback", "trigger": {"type": "on_error", "codes": [500]}}}
                    """.formatted(primary.url(), hooks(receiver), key, fallback.url())).path("job_id").asString();

            JsonNode hook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(hook.path("status").asString()).isEqualTo("success");
            assertThat(hook.path("job_id").asString()).isEqualTo(id);
            assertThat(hook.path("idempotent_key").asString()).isEqualTo(key);
            assertThat(hook.path("metadata").path("order").asInt()).isEqualTo(7);
            assertThat(hook.path("response").path("body").asString()).isEqualTo("{\"from\":\"fallback\"}");
            // The trigger code handed over at once: no retries of the primary.
            assertThat(primary.count()).isEqualTo(1);
            assertThat(fallback.count()).isEqualTo(1);

            JsonNode job = status(platform, id);
            assertThat(job.path("status").asString()).isEqualTo("completed");
            assertThat(job.path("status_code").asInt()).isEqualTo(200);
            assertThat(job.has("error")).as("a completed job carries no failure reason: %s", job).isFalse();
            settle(platform, receiver);
            assertThat(webhooks(receiver, id)).hasSize(1);
        }
    }

    @Test
    void nonMatchingOnErrorCodeDoesNotStartTheFallback() {
        try (HttpStub primary = new HttpStub(); HttpStub fallback = new HttpStub(); HttpStub receiver = new HttpStub()) {
            primary.respond(r -> Scenarios.status(400));
            String id = submit(platform, """
                    {"url": "%s/primary", "webhooks": %s, "idempotent_key": "%s",
                     "fallback_job": {"url": "%s/fallback", "trigger": {"type": "on_error", "codes": [500, 502]}}}
                    """.formatted(primary.url(), hooks(receiver), uniqueKey("fallback_no_match"), fallback.url()))
                    .path("job_id").asString();

            JsonNode hook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(hook.path("status").asString()).as(hook.toString()).isEqualTo("failed");
            assertThat(hook.path("response").path("status_code").asInt()).isEqualTo(400);
            assertThat(fallback.count()).isZero();
            assertThat(status(platform, id).path("status").asString()).isEqualTo("failed");
        }
    }

    @Test
    void emptyOnErrorCodesMeanAnyFinalFailure() {
        try (HttpStub primary = new HttpStub(); HttpStub fallback = new HttpStub(); HttpStub receiver = new HttpStub()) {
            primary.respond(r -> Scenarios.status(400));
            // Node's Step emits {type: "on_error", codes: []} when given an empty list (compat-protocol D7, A26).
            String id = submit(platform, """
                    {"url": "%s/primary", "webhooks": %s, "idempotent_key": "%s",
                     "fallback_job": {"url": "%s/fallback", "trigger": {"type": "on_error", "codes": []}}}
                    """.formatted(primary.url(), hooks(receiver), uniqueKey("fallback_any"), fallback.url()))
                    .path("job_id").asString();

            JsonNode hook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(hook.path("status").asString()).isEqualTo("success");
            assertThat(fallback.count()).isEqualTo(1);
        }
    }

    /** The §2.3 worked example (Node shape, nested camelCase) with loopback stubs in place of httpbin. */
    @Test
    void fallbackChainOfDepthTwoSucceedsThroughTheTimeoutFallback() {
        try (HttpStub primary = new HttpStub(); HttpStub slow = new HttpStub(); HttpStub last = new HttpStub();
             HttpStub receiver = new HttpStub()) {
            primary.respond(r -> Scenarios.status(500));
            slow.respond(r -> after(Duration.ofSeconds(2), ok("{\"from\":\"fallback_1\"}")));
            last.respond(r -> ok("{\"from\":\"fallback_2\"}"));
            String key = uniqueKey("fallback_chain");
            long submittedAt = System.nanoTime();
            String id = submit(platform, """
                    {"url": "%s/status/500?test=fallback_primary", "method": "GET", "webhooks": %s,
                     "fallback_job": {"url": "%s/delay/2?test=fallback_1", "method": "GET",
                                      "trigger": {"type": "on_error", "codes": [500, 502, 503]},
                                      "fallbackJob": {"url": "%s/status/200?test=fallback_2", "method": "GET",
                                                      "trigger": {"type": "on_timeout", "timeout_ms": 500}}},
                     "idempotent_key": "%s"}
                    """.formatted(primary.url(), hooks(receiver), slow.url(), last.url(), key)).path("job_id").asString();

            HttpStub.Request hookRequest = awaitWebhookRequest(receiver, id, WEBHOOK_WAIT);
            JsonNode hook = Scenarios.json(hookRequest.bodyText());
            assertThat(hook.path("status").asString()).isEqualTo("success");
            assertThat(hook.path("job_id").asString()).isEqualTo(id);
            assertThat(hook.path("idempotent_key").asString()).isEqualTo(key);
            assertThat(hook.path("response").path("body").asString()).isEqualTo("{\"from\":\"fallback_2\"}");
            // Well inside the SDK test budget of 3–4 s: fallback_2 races the slow fallback_1 instead of waiting.
            assertThat(Duration.ofNanos(hookRequest.arrivedNanos() - submittedAt)).isLessThan(Duration.ofSeconds(4));

            HttpStub.Request slowCall = slow.requests().get(0);
            HttpStub.Request lastCall = last.requests().get(0);
            long fallback2AfterFallback1 = (lastCall.arrivedNanos() - slowCall.arrivedNanos()) / 1_000_000;
            assertThat(fallback2AfterFallback1).as("on_timeout counts from fallback_1's dispatch")
                    .isGreaterThanOrEqualTo(450).isLessThan(2000);
            assertThat(primary.count()).isEqualTo(1);

            // fallback_1 answers 200 later; the job is already won, so nothing more is delivered.
            Await.until(() -> "done".equals(hash(platform, id).get("a:1@*")), Duration.ofSeconds(10),
                    () -> "fallback_1 finished: " + hash(platform, id));
            settle(platform, receiver);
            assertThat(webhooks(receiver, id)).hasSize(1);
            assertThat(slow.count()).isEqualTo(1);
            assertThat(last.count()).isEqualTo(1);
            JsonNode job = status(platform, id);
            assertThat(job.path("status").asString()).isEqualTo("completed");
            assertThat(job.path("status_code").asInt()).isEqualTo(200);
        }
    }

    @Test
    void onSuccessChildIsANewJobLinkedToItsParentWithADerivedKey() {
        try (HttpStub upstream = new HttpStub(); HttpStub child = new HttpStub(); HttpStub receiver = new HttpStub()) {
            child.respond(r -> ok("{\"from\":\"child\"}"));
            String key = uniqueKey("parent");
            String id = submit(platform, """
                    {"url": "%s/parent", "webhooks": %s, "idempotent_key": "%s", "metadata": {"step": "parent"},
                     "on_success": {"url": "%s/child", "method": "POST", "body": "{\\"n\\":1}"}}
                    """.formatted(upstream.url(), hooks(receiver), key, child.url())).path("job_id").asString();

            JsonNode parentHook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(parentHook.path("status").asString()).isEqualTo("success");
            assertThat(parentHook.has("parent_job_id")).isFalse();

            // The child inherits the parent's webhooks (it lists none) and reports under its own job id.
            JsonNode childHook = awaitChildWebhook(receiver, id, WEBHOOK_WAIT);
            String childId = childHook.path("job_id").asString();
            assertThat(childId).isNotBlank().isNotEqualTo(id);
            assertThat(childHook.path("status").asString()).isEqualTo("success");
            assertThat(childHook.path("idempotent_key").asString()).isEqualTo(key + ".on_success");
            assertThat(childHook.path("metadata").path("parent_job_id").asString()).isEqualTo(id);
            assertThat(childHook.path("response").path("body").asString()).isEqualTo("{\"from\":\"child\"}");
            assertThat(child.requests()).singleElement().satisfies(r -> {
                assertThat(r.method()).isEqualTo("POST");
                assertThat(r.bodyText()).isEqualTo("{\"n\":1}");
            });

            JsonNode childJob = status(platform, childId);
            assertThat(childJob.path("parent_job_id").asString()).isEqualTo(id);
            assertThat(childJob.path("status").asString()).isEqualTo("completed");
            settle(platform, receiver);
            assertThat(childWebhooks(receiver, id)).hasSize(1);
            assertThat(webhooks(receiver, id)).hasSize(1);
        }
    }

    @Test
    void onSuccessChildKeepsItsOwnKeyAndWebhooks() {
        try (HttpStub upstream = new HttpStub(); HttpStub child = new HttpStub(); HttpStub parentHooks = new HttpStub();
             HttpStub childHooks = new HttpStub()) {
            String childKey = uniqueKey("child_own");
            // Node sends nested objects in camelCase (compat-protocol D1): idempotentKey inside onSuccess.
            String id = submit(platform, """
                    {"url": "%s/parent", "webhooks": %s, "idempotent_key": "%s",
                     "on_success": {"url": "%s/child", "idempotentKey": "%s", "webhooks": %s}}
                    """.formatted(upstream.url(), hooks(parentHooks), uniqueKey("parent_own"), child.url(), childKey,
                    hooks(childHooks))).path("job_id").asString();

            awaitWebhook(parentHooks, id, WEBHOOK_WAIT);
            JsonNode childHook = awaitChildWebhook(childHooks, id, WEBHOOK_WAIT);
            assertThat(childHook.path("idempotent_key").asString()).isEqualTo(childKey);
            assertThat(childHook.path("job_id").asString()).isNotEqualTo(id);
            settle(platform, parentHooks);
            assertThat(childWebhooks(parentHooks, id)).as("the child's own webhooks replace the parent's").isEmpty();
            assertThat(webhooks(childHooks, id)).isEmpty();
        }
    }

    @Test
    void onFailureChildRunsAfterAFinalClientError() {
        try (HttpStub upstream = new HttpStub(); HttpStub onFailure = new HttpStub(); HttpStub onSuccess = new HttpStub();
             HttpStub receiver = new HttpStub()) {
            upstream.respond(r -> Scenarios.status(400));
            String childKey = uniqueKey("cleanup");
            String id = submit(platform, """
                    {"url": "%s/parent", "webhooks": %s, "idempotent_key": "%s",
                     "on_success": {"url": "%s/never"},
                     "on_failure": {"url": "%s/cleanup", "idempotent_key": "%s"}}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("parent_fails"), onSuccess.url(),
                    onFailure.url(), childKey)).path("job_id").asString();

            JsonNode parentHook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(parentHook.path("status").asString()).isEqualTo("failed");
            assertThat(parentHook.path("response").path("status_code").asInt()).isEqualTo(400);
            assertThat(upstream.count()).as("a 400 is not retried").isEqualTo(1);

            JsonNode childHook = awaitChildWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(childHook.path("status").asString()).isEqualTo("success");
            assertThat(childHook.path("idempotent_key").asString()).isEqualTo(childKey);
            assertThat(onFailure.count()).isEqualTo(1);
            assertThat(onSuccess.count()).isZero();
            assertThat(status(platform, childHook.path("job_id").asString()).path("parent_job_id").asString()).isEqualTo(id);
        }
    }

    @Test
    void onFailureChildRunsWhenAStrictRegionIsUnavailable() {
        try (HttpStub upstream = new HttpStub(); HttpStub onFailure = new HttpStub(); HttpStub receiver = new HttpStub()) {
            // This platform's only worker is in region "local": a strict job for "ord" fails without any call.
            String id = submit(platform, """
                    {"url": "%s/strict", "regions": ["ord"], "region_policy": "strict", "webhooks": %s,
                     "idempotent_key": "%s", "on_failure": {"url": "%s/alert"}}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("strict_parent"), onFailure.url()))
                    .path("job_id").asString();

            JsonNode parentHook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(parentHook.path("status").asString()).isEqualTo("failed");
            assertThat(parentHook.path("error").asString()).contains("region unavailable");
            JsonNode childHook = awaitChildWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(childHook.path("status").asString()).isEqualTo("success");
            assertThat(onFailure.count()).isEqualTo(1);
            assertThat(upstream.count()).isZero();
        }
    }

    @Test
    void onFailureTimeoutFailsTheJobAndSpawnsOnFailureOnce() {
        try (HttpStub upstream = new HttpStub(); HttpStub onFailure = new HttpStub(); HttpStub onSuccess = new HttpStub();
             HttpStub receiver = new HttpStub()) {
            upstream.respond(r -> after(Duration.ofSeconds(3), ok("{\"late\":true}")));
            long submittedAt = System.nanoTime();
            String id = submit(platform, """
                    {"url": "%s/slow", "webhooks": %s, "idempotent_key": "%s", "on_failure_timeout_ms": 1000,
                     "on_success": {"url": "%s/never"},
                     "on_failure": {"url": "%s/alert"}}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("deadline"), onSuccess.url(), onFailure.url()))
                    .path("job_id").asString();

            HttpStub.Request hookRequest = awaitWebhookRequest(receiver, id, WEBHOOK_WAIT);
            JsonNode hook = Scenarios.json(hookRequest.bodyText());
            assertThat(hook.path("status").asString()).isEqualTo("failed");
            assertThat(hook.path("error").asString()).contains("on_failure_timeout_ms elapsed");
            long ms = (hookRequest.arrivedNanos() - submittedAt) / 1_000_000;
            assertThat(ms).as("failed at the deadline, not when the upstream answered").isBetween(900L, 2900L);

            JsonNode childHook = awaitChildWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(childHook.path("status").asString()).isEqualTo("success");

            // The upstream's late 200 changes nothing: no second result, no on_success, on_failure only once.
            Await.until(() -> "done".equals(hash(platform, id).get("a:0@*")), Duration.ofSeconds(10),
                    () -> "late answer recorded: " + hash(platform, id));
            settle(platform, receiver);
            assertThat(webhooks(receiver, id)).hasSize(1);
            assertThat(childWebhooks(receiver, id)).hasSize(1);
            assertThat(onFailure.count()).isEqualTo(1);
            assertThat(onSuccess.count()).isZero();
            JsonNode job = status(platform, id);
            assertThat(job.path("status").asString()).isEqualTo("failed");
            assertThat(job.path("error").asString()).contains("on_failure_timeout_ms elapsed");
        }
    }

    @Test
    void retryAtDelaysTheFirstDispatch() {
        try (HttpStub inMillis = new HttpStub(); HttpStub inSeconds = new HttpStub(); HttpStub receiver = new HttpStub()) {
            long retryAtMs = System.currentTimeMillis() + 2000;
            String a = submit(platform, """
                    {"url": "%s/later", "webhooks": %s, "idempotent_key": "%s", "retry_at": %d}
                    """.formatted(inMillis.url(), hooks(receiver), uniqueKey("retry_at_ms"), retryAtMs)).path("job_id").asString();
            // Values below 10^11 are seconds (compat-protocol A27); camelCase as Node sends it nested.
            long retryAtS = System.currentTimeMillis() / 1000 + 3;
            String b = submit(platform, """
                    {"url": "%s/later", "webhooks": %s, "idempotent_key": "%s", "retryAt": %d}
                    """.formatted(inSeconds.url(), hooks(receiver), uniqueKey("retry_at_s"), retryAtS)).path("job_id").asString();
            assertThat(status(platform, a).path("status").asString()).isEqualTo("queued");

            awaitWebhook(receiver, a, WEBHOOK_WAIT);
            awaitWebhook(receiver, b, WEBHOOK_WAIT);
            long arrivedA = inMillis.requests().get(0).arrivedMillis();
            long arrivedB = inSeconds.requests().get(0).arrivedMillis();
            assertThat(arrivedA).as("not before retry_at").isGreaterThanOrEqualTo(retryAtMs).isLessThan(retryAtMs + 5000);
            assertThat(arrivedB).isGreaterThanOrEqualTo(retryAtS * 1000).isLessThan(retryAtS * 1000 + 5000);
        }
    }
}
