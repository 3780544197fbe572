package io.ezthrottle.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import io.ezthrottle.core.job.UpstreamResponse;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/jobs/{id}/stream} (compat-protocol §1.7, A32): events in lifecycle order, every {@code data} with
 * its {@code event} name, the stream ending after the terminal event, and a stream opened after the end replaying it.
 */
class JobStreamIntegrationTests extends ApiDeliveryIntegrationSupport {

    private static final String JOB = """
            {"url": "https://api.example.com/orders", "webhooks": [{"url": "https://hooks.example.com/h"}]}""";

    @Test
    void aLiveJobStreamsQueuedDispatchingCompletedInOrderThenEnds() {
        TestTenant tenant = newTenant();
        String jobId = submit(tenant, JOB);

        try (SseStream stream = openStream("/api/v1/jobs/" + jobId + "/stream", tenant.apiKey())) {
            assertThat(stream.response().statusCode()).isEqualTo(200);
            assertThat(stream.response().headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            assertThat(stream.response().headers().firstValue("cache-control")).hasValue("no-cache");
            stream.awaitNamed("queued");
            assertThat(stream.ended()).isFalse();

            dispatch(jobId, true);
            stream.awaitNamed("dispatching");
            assertThat(stream.ended()).isFalse();

            finish(jobId, new UpstreamResponse(200, Map.of(), "{\"id\":1}"), true);
            stream.awaitEnd();

            assertThat(stream.names()).containsExactly("queued", "dispatching", "completed");
            List<Event> events = stream.events().stream().filter(e -> e.name() != null).toList();
            assertThat(events.get(0).json().path("event").asString()).isEqualTo("queued");
            assertThat(events.get(0).json().path("status").asString()).isEqualTo("queued");
            assertThat(events.get(1).json().path("job_id").asString()).isEqualTo(jobId);
            Event completed = events.get(2);
            assertThat(completed.json().path("event").asString()).isEqualTo("completed");
            assertThat(completed.json().path("job_id").asString()).isEqualTo(jobId);
            assertThat(completed.json().path("response_status").asInt()).isEqualTo(200);
            assertThat(completed.json().path("body").asString()).isEqualTo("{\"id\":1}");
            assertThat(stream.rawLines()).contains("event: completed");
        }
    }

    @Test
    void aStreamOpenedAfterTheEndReplaysItAndCloses() {
        TestTenant tenant = newTenant();
        String jobId = submit(tenant, JOB);
        dispatch(jobId, false);
        finish(jobId, new UpstreamResponse(200, Map.of(), "done"), false);

        try (SseStream stream = openStream("/api/v1/jobs/" + jobId + "/stream", tenant.apiKey())) {
            stream.awaitEnd();
            assertThat(stream.names()).containsExactly("queued", "dispatching", "completed");
        }
    }

    @Test
    void aFailedJobEndsWithFailedAndItsReason() {
        TestTenant tenant = newTenant();
        String jobId = submit(tenant, JOB);
        dispatch(jobId, false);
        finish(jobId, null, false);

        try (SseStream stream = openStream("/api/v1/jobs/" + jobId + "/stream", tenant.apiKey())) {
            stream.awaitEnd();
            assertThat(stream.names()).containsExactly("queued", "dispatching", "failed");
            Event failed = stream.events().get(2);
            assertThat(failed.json().path("event").asString()).isEqualTo("failed");
            assertThat(failed.json().path("reason").asString()).isEqualTo("connection refused");
        }
    }

    @Test
    void withoutWorkerSignalsTheStreamStillFollowsTheRecord() {
        TestTenant tenant = newTenant();
        String jobId = submit(tenant, JOB);

        try (SseStream stream = openStream("/api/v1/jobs/" + jobId + "/stream", tenant.apiKey())) {
            stream.awaitNamed("queued");
            dispatch(jobId, false);
            stream.awaitNamed("dispatching");
            finish(jobId, new UpstreamResponse(204, Map.of(), ""), false);
            stream.awaitEnd();
            assertThat(stream.names()).containsExactly("queued", "dispatching", "completed");
        }
    }

    @Test
    void aWaitingJobGetsItsPositionAndKeepalives() {
        TestTenant tenant = newTenant();
        String jobId = submit(tenant, JOB);

        try (SseStream stream = openStream("/api/v1/jobs/" + jobId + "/stream", tenant.apiKey())) {
            stream.awaitNamed("queued");
            jobEvents.position(jobId, 3).block(WAIT);
            List<Event> events = stream.awaitNamed("position");
            Event position = events.stream().filter(e -> "position".equals(e.name())).findFirst().orElseThrow();
            assertThat(position.json().path("event").asString()).isEqualTo("position");
            assertThat(position.json().path("position").asLong()).isEqualTo(3);

            // Nothing happens for longer than the keepalive period (400 ms here, 30 s by default).
            io.ezthrottle.testsupport.Await.until(() -> stream.rawLines().contains(": keepalive"), WAIT,
                    () -> "a keepalive comment, got " + stream.rawLines());
            assertThat(stream.ended()).isFalse();

            dispatch(jobId, true);
            finish(jobId, new UpstreamResponse(200, Map.of(), ""), true);
            stream.awaitEnd();
            assertThat(stream.names()).containsExactly("queued", "position", "dispatching", "completed");
        }
    }

    @Test
    void anotherTenantsJobDoesNotExistForTheCaller() {
        TestTenant owner = newTenant();
        TestTenant other = newTenant();
        String jobId = submit(owner, JOB);

        Reply foreign = get("/api/v1/jobs/" + jobId + "/stream", other.apiKey());
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.text("error")).isEqualTo("job not found");
        assertThat(get("/api/v1/jobs/job_0_0/stream", owner.apiKey()).status()).isEqualTo(404);
        assertThat(get("/api/v1/jobs/" + jobId + "/stream", null).status()).isEqualTo(401);
    }
}
