package io.ezthrottle.api.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import io.ezthrottle.api.stream.ApiDeliveryIntegrationSupport;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.UpstreamResponse;
import org.junit.jupiter.api.Test;

/**
 * The local surface (compat-protocol §1.5–§1.8): {@code POST /jobs}, {@code GET /jobs/{id}},
 * {@code GET /jobs/{id}/stream} and {@code GET /health}, without API keys, for the fixed local tenant.
 */
class LocalSurfaceIntegrationTests extends ApiDeliveryIntegrationSupport {

    @Test
    void requiredFieldsAreCheckedInTheDocumentedOrder() {
        assertThat(error("{}")).isEqualTo("user_id is required");
        assertThat(error("{\"user_id\": \"u1\"}")).isEqualTo("url is required");
        assertThat(error("{\"user_id\": \"u1\", \"url\": \"https://api.example.com/x\"}")).isEqualTo("method is required");
        assertThat(error("""
                {"user_id": "u1", "url": "https://api.example.com/x", "method": "GET"}""")).isEqualTo("webhook_url is required");
        assertThat(error("""
                {"user_id": "u1", "url": "https://api.example.com/x", "method": "GET",
                 "webhook_url": "https://hooks.example.com/h"}""")).isEqualTo("idempotent_key is required");
        // null and "" count as missing, and the order holds whatever else is missing.
        assertThat(error("""
                {"user_id": null, "url": "", "idempotent_key": "k"}""")).isEqualTo("user_id is required");
        assertThat(error("""
                {"user_id": "u1", "url": "https://api.example.com/x", "method": "",
                 "webhook_url": null, "idempotent_key": ""}""")).isEqualTo("method is required");
    }

    @Test
    void aNewJobIsQueuedAndAKnownKeyAnswersWithTheOriginal() {
        String key = "local-" + UUID.randomUUID();
        Reply created = post("/jobs", null, job(key));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String jobId = created.text("job_id");
        assertThat(jobId).matches("[A-Za-z0-9_-]+");
        assertThat(created.text("status")).isEqualTo("queued");
        assertThat(created.json().has("duplicate")).isFalse();

        JobRecord stored = record(jobId);
        assertThat(stored.surface()).isEqualTo(Surface.LOCAL);
        assertThat(stored.tenantId()).isEqualTo("local");
        assertThat(stored.spec().userId()).isEqualTo("u1");
        assertThat(stored.spec().webhooks()).singleElement().satisfies(w -> {
            assertThat(w.url()).isEqualTo("https://hooks.example.com/h");
            assertThat(w.hasQuorumVote()).isTrue();
        });

        dispatch(jobId, false);
        finish(jobId, new UpstreamResponse(200, Map.of(), "ok"), false);
        Reply duplicate = post("/jobs", null, job(key));
        assertThat(duplicate.status()).isEqualTo(200);
        assertThat(duplicate.text("job_id")).isEqualTo(jobId);
        assertThat(duplicate.text("status")).as("always queued for a duplicate").isEqualTo("queued");
        assertThat(duplicate.json().path("duplicate").asBoolean()).isTrue();
    }

    @Test
    void statusUsesTheLocalWords() {
        String jobId = post("/jobs", null, job("local-" + UUID.randomUUID())).text("job_id");

        Reply queued = get("/jobs/" + jobId, null);
        assertThat(queued.status()).isEqualTo(200);
        assertThat(queued.text("job_id")).isEqualTo(jobId);
        assertThat(queued.text("status")).isEqualTo("queued");
        assertThat(queued.text("url")).isEqualTo("https://api.example.com/orders");
        assertThat(queued.text("method")).isEqualTo("POST");
        assertThat(queued.json().path("created_at").isIntegralNumber()).isTrue();

        dispatch(jobId, false);
        assertThat(get("/jobs/" + jobId, null).text("status")).isEqualTo("in_flight");
        finish(jobId, new UpstreamResponse(500, Map.of(), "boom"), false);
        assertThat(get("/jobs/" + jobId, null).text("status")).as("an HTTP answer is 'completed' locally").isEqualTo("completed");
    }

    @Test
    void unknownJobsAndCloudJobsAreNotFoundHere() {
        Reply unknown = get("/jobs/job_0_0", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.text("error")).isEqualTo("job not found");

        TestTenant cloud = newTenant();
        String cloudJob = submit(cloud, "{\"url\": \"https://api.example.com/x\"}");
        assertThat(get("/jobs/" + cloudJob, null).status()).isEqualTo(404);
        assertThat(get("/jobs/" + cloudJob + "/stream", null).status()).isEqualTo(404);

        String localJob = post("/jobs", null, job("local-" + UUID.randomUUID())).text("job_id");
        assertThat(get("/api/v1/jobs/" + localJob, cloud.apiKey()).status()).as("and the other way round").isEqualTo(404);
    }

    @Test
    void theStreamOfAFinishedLocalJobReplaysItsEnd() {
        String jobId = post("/jobs", null, job("local-" + UUID.randomUUID())).text("job_id");
        dispatch(jobId, true);
        finish(jobId, new UpstreamResponse(502, Map.of(), "bad gateway"), true);

        try (SseStream stream = openStream("/jobs/" + jobId + "/stream", null)) {
            stream.awaitEnd();
            assertThat(stream.names()).containsExactly("queued", "dispatching", "completed");
            var completed = stream.events().get(2).json();
            assertThat(completed.path("response_status").asInt()).isEqualTo(502);
            assertThat(completed.path("body").asString()).isEqualTo("bad gateway");
        }
    }

    @Test
    void healthSaysOkWithTheAdmissionSnapshot() {
        Reply health = get("/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.text("status")).isEqualTo("ok");
        var admission = health.json().path("admission");
        // Every member compat-protocol §1.8 lists, with its type.
        assertThat(admission.path("enabled").asBoolean()).as("the body limit is set").isTrue();
        for (String member : java.util.List.of("memory_mb", "memory_limit_mb", "db_bytes", "db_max_bytes", "max_body_bytes",
                "retry_after_seconds")) {
            assertThat(admission.path(member).isIntegralNumber()).as(member + " in " + admission).isTrue();
        }
        assertThat(admission.path("memory_mb").asLong()).isPositive();
        assertThat(admission.path("memory_limit_mb").asLong()).as("off in this context").isZero();
        assertThat(admission.path("max_body_bytes").asInt()).isEqualTo(1_048_576);
        assertThat(admission.path("retry_after_seconds").asInt()).isEqualTo(5);
        assertThat(admission.path("state").asString()).isEqualTo("accepting");
        assertThat(admission.path("max_queue_depth").asLong()).isZero();
    }

    @Test
    void unroutedPathsAndFrameworkErrorsAnswerInTheLocalShape() {
        Reply unrouted = get("/no/such/route", null);
        assertThat(unrouted.status()).isEqualTo(404);
        assertThat(unrouted.json().path("errors").path("detail").asString()).isEqualTo("Not Found");
        assertThat(unrouted.json().has("error")).isFalse();

        Reply wrongMethod = send("DELETE", "/jobs", null, null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().path("errors").path("detail").asString()).isEqualTo("Method Not Allowed");
        assertThat(send("PUT", "/health", null, "{}").json().path("errors").path("detail").asString())
                .isEqualTo("Method Not Allowed");

        // The local routes' own refusals keep their documented {"error": ...}.
        assertThat(get("/jobs/job_0_0", null).text("error")).isEqualTo("job not found");
        // The cloud surface keeps its own shape.
        TestTenant cloud = newTenant();
        Reply cloudUnrouted = get("/api/v1/no-such-route", cloud.apiKey());
        assertThat(cloudUnrouted.status()).isEqualTo(404);
        assertThat(cloudUnrouted.json() == null || !cloudUnrouted.json().has("errors")).as(cloudUnrouted.toString()).isTrue();
    }

    @Test
    void anOversizedBodyIsRefusedBeforeParsing() {
        String big = "{\"user_id\": \"" + "x".repeat(1_100_000) + "\"}";
        Reply tooLarge = post("/jobs", null, big);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.text("error")).isEqualTo("request body too large");
        assertThat(tooLarge.json().path("limit_bytes").asInt()).isEqualTo(1_048_576);
    }

    private String error(String body) {
        Reply r = post("/jobs", null, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        return r.text("error");
    }

    private static String job(String key) {
        return """
                {"user_id": "u1", "idempotent_key": "%s", "url": "https://api.example.com/orders", "method": "post",
                 "webhook_url": "https://hooks.example.com/h", "headers": {"X-Trace": "1"}, "body": "{\\"n\\":1}"}
                """.formatted(key);
    }
}
