package io.ezthrottle.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.ezthrottle.core.delivery.AttemptRef;
import io.ezthrottle.core.delivery.DeliveryPlan;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.UpstreamResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/jobs/{id}/deliveries}: delivery status, tracked apart from the job's own status. The test plays
 * the webhook dispatcher through the delivery store (planning and recording attempts as it would).
 */
class DeliveryStatusIntegrationTests extends ApiDeliveryIntegrationSupport {

    private static final DeliveryStore.Lifetimes LIFETIMES = new DeliveryStore.Lifetimes(Duration.ofHours(1), Duration.ofHours(1));

    @Autowired
    DeliveryStore deliveries;

    @Test
    void showsEachWebhookAndTheQuorumApartFromTheJobStatus() {
        TestTenant tenant = newTenant();
        String jobId = submit(tenant, """
                {"url": "https://api.example.com/x", "webhook_quorum": 1, "webhooks": [
                  {"url": "https://a.example.com/h"}, {"url": "https://b.example.com/h", "has_quorum_vote": false}]}""");

        Reply before = get("/api/v1/jobs/" + jobId + "/deliveries", tenant.apiKey());
        assertThat(before.status()).as(before.toString()).isEqualTo(200);
        assertThat(before.text("status")).isEqualTo("not_started");
        assertThat(before.json().path("webhooks")).hasSize(2);
        assertThat(before.json().path("webhooks").get(0).path("state").asString()).isEqualTo("waiting");

        finish(jobId, new UpstreamResponse(200, Map.of(), "ok"), false);
        deliveries.plan(new DeliveryPlan(jobId, tenant.id(), Surface.CLOUD, "{}", 1, List.of(
                new DeliveryPlan.Target("https://a.example.com/h", true),
                new DeliveryPlan.Target("https://b.example.com/h", false))), Duration.ofSeconds(30), Duration.ofHours(1)).block(WAIT);
        deliveries.delivered(new AttemptRef(jobId, 0), 200, LIFETIMES).block(WAIT);
        deliveries.retry(new AttemptRef(jobId, 1), 503, "receiver answered 503", Duration.ofMinutes(1), LIFETIMES).block(WAIT);

        Reply after = get("/api/v1/jobs/" + jobId + "/deliveries", tenant.apiKey());
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.text("status")).isEqualTo("delivered");
        assertThat(after.json().path("votes").asInt()).isEqualTo(1);
        JsonNode a = after.json().path("webhooks").get(0);
        JsonNode b = after.json().path("webhooks").get(1);
        assertThat(a.path("state").asString()).isEqualTo("delivered");
        assertThat(a.path("attempts").asInt()).isEqualTo(1);
        assertThat(b.path("state").asString()).isEqualTo("pending");
        assertThat(b.path("has_quorum_vote").asBoolean()).isFalse();
        assertThat(b.path("last_status").asInt()).isEqualTo(503);
        assertThat(b.path("last_error").asString()).isEqualTo("receiver answered 503");
        assertThat(b.path("next_attempt_at").asLong()).isGreaterThan(System.currentTimeMillis());
        assertThat(after.raw()).as("the payload is not exposed here").doesNotContain("\"body\"");

        assertThat(get("/api/v1/jobs/" + jobId, tenant.apiKey()).text("status")).as("job status unchanged").isEqualTo("completed");
    }

    @Test
    void anotherTenantCannotSeeIt() {
        TestTenant owner = newTenant();
        String jobId = submit(owner, """
                {"url": "https://api.example.com/x", "webhooks": [{"url": "https://a.example.com/h"}]}""");
        deliveries.plan(new DeliveryPlan(jobId, owner.id(), Surface.CLOUD, "{}", 1,
                List.of(new DeliveryPlan.Target("https://a.example.com/h", true))), Duration.ofSeconds(30), Duration.ofHours(1)).block(WAIT);

        Reply foreign = get("/api/v1/jobs/" + jobId + "/deliveries", newTenant().apiKey());
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.text("error")).isEqualTo("job not found");
    }
}
