package io.ezthrottle.launcher.worker;

import static io.ezthrottle.launcher.worker.Scenarios.awaitWebhook;
import static io.ezthrottle.launcher.worker.Scenarios.hooks;
import static io.ezthrottle.launcher.worker.Scenarios.pttl;
import static io.ezthrottle.launcher.worker.Scenarios.submit;
import static io.ezthrottle.launcher.worker.Scenarios.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;

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
 * Issue 3 item 8: job records expire. Completed records are configured to live 2 s here; failed and queued ones
 * keep the defaults (2 h, 24 h). Two workers (iad, lax) so jobs that end through every ledger path (single attempt,
 * fanout over regions, refusal, deadline) are covered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobRetentionIntegrationTests {

    private static final Duration WEBHOOK_WAIT = Duration.ofSeconds(15);
    private static final long HOUR_MS = Duration.ofHours(1).toMillis();

    private TestPlatform platform;

    @BeforeAll
    void start() {
        platform = new TestPlatform(List.of(new String[] {"--ezthrottle.region=iad"}, new String[] {"--ezthrottle.region=lax"}),
                "--ezthrottle.retention.completed=2s", "--ezthrottle.worker.heartbeat-ttl=30s");
        LiveRegions live = Scenarios.bean(platform, LiveRegions.class);
        Await.until(() -> live.regions().block(Duration.ofSeconds(5)).containsAll(Set.of("iad", "lax")),
                Duration.ofSeconds(10), () -> "both regions live");
    }

    @AfterAll
    void stop() {
        platform.close();
    }

    @Test
    void aCompletedJobIsGoneAfterTheCompletedRetention() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            upstream.respond(r -> Scenarios.ok("{\"secret\":\"response body\"}"));
            String id = submit(platform, """
                    {"url": "%s/done", "method": "POST", "body": "{\\"card\\":\\"4242\\"}", "webhooks": %s, "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("completed"))).path("job_id").asString();
            awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(pttl(platform, id)).isBetween(1L, 2000L);
            awaitGone(id);
        }
    }

    @Test
    void aFanoutJobCompletedByItsLastRegionIsGoneAfterTheCompletedRetention() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            String id = submit(platform, """
                    {"url": "%s/fanout", "regions": ["iad", "lax"], "execution_mode": "fanout", "webhooks": %s,
                     "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("fanout"))).path("job_id").asString();
            JsonNode hook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
            assertThat(hook.path("status").asString()).isEqualTo("success");
            assertThat(pttl(platform, id)).as("lifetime of a completed fanout job").isBetween(1L, 2000L);
            awaitGone(id);
        }
    }

    @Test
    void failedJobsAreKeptAboutTwoHoursByDefault() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            upstream.respond(r -> Scenarios.status(400));
            String rejected = submit(platform, """
                    {"url": "%s/bad", "webhooks": %s, "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("failed"))).path("job_id").asString();
            String refused = submit(platform, """
                    {"url": "%s/strict", "regions": ["ord"], "region_policy": "strict", "webhooks": %s, "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("refused"))).path("job_id").asString();
            for (String id : List.of(rejected, refused)) {
                JsonNode hook = awaitWebhook(receiver, id, WEBHOOK_WAIT);
                assertThat(hook.path("status").asString()).isEqualTo("failed");
                assertThat(pttl(platform, id)).as("lifetime of failed job %s", id).isBetween(2 * HOUR_MS - 60_000, 2 * HOUR_MS);
                assertThat(platform.get("/api/v1/jobs/" + id).statusCode()).isEqualTo(200);
            }
        }
    }

    @Test
    void aJobFailedByItsDeadlineIsKeptAboutTwoHours() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            upstream.respond(r -> Scenarios.after(Duration.ofMillis(1500), Scenarios.ok("{}")));
            String id = submit(platform, """
                    {"url": "%s/slow", "webhooks": %s, "idempotent_key": "%s", "on_failure_timeout_ms": 300}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("deadline"))).path("job_id").asString();
            assertThat(awaitWebhook(receiver, id, WEBHOOK_WAIT).path("status").asString()).isEqualTo("failed");
            // The late answer must not turn the failed record into a short-lived one.
            Await.until(() -> "done".equals(Scenarios.hash(platform, id).get("a:0@*")), Duration.ofSeconds(10),
                    () -> "late answer recorded");
            assertThat(pttl(platform, id)).isBetween(2 * HOUR_MS - 60_000, 2 * HOUR_MS);
        }
    }

    @Test
    void aQueuedJobIsKeptAboutADayByDefault() {
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            long inAnHour = System.currentTimeMillis() + HOUR_MS;
            String id = submit(platform, """
                    {"url": "%s/later", "webhooks": %s, "idempotent_key": "%s", "retry_at": %d}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("queued"), inAnHour)).path("job_id").asString();
            assertThat(platform.json(platform.get("/api/v1/jobs/" + id)).path("status").asString()).isEqualTo("queued");
            assertThat(pttl(platform, id)).isBetween(24 * HOUR_MS - 60_000, 24 * HOUR_MS);
        }
    }

    private void awaitGone(String id) {
        Await.until(() -> platform.get("/api/v1/jobs/" + id).statusCode() == 404, Duration.ofSeconds(6),
                () -> "GET of " + id + " still answers; ttl " + pttl(platform, id) + " ms");
        assertThat(pttl(platform, id)).as("no trace of the record (request and response bodies) is left").isEqualTo(-2);
    }
}
