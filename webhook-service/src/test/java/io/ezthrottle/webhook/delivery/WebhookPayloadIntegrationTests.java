package io.ezthrottle.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.UpstreamResponse;
import io.ezthrottle.testsupport.HttpStub;
import io.ezthrottle.webhook.DeliveryIntegrationSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The body receivers get, exactly as compat-protocol §5.1 (cloud jobs) and §5.2 (local jobs) describe it. */
@TestPropertySource(properties = DeliveryIntegrationSupport.PATIENT)
class WebhookPayloadIntegrationTests extends DeliveryIntegrationSupport {

    private final HttpStub receiver = new HttpStub();

    @AfterEach
    void close() {
        receiver.close();
    }

    @Test
    void cloudSuccessCarriesTheUpstreamAnswerAsStringsAndEchoesMetadata() {
        String jobId = finishJob(newTenant(), Surface.CLOUD, """
                {"url": "https://api.example.com/orders", "idempotent_key": "order-42",
                 "webhooks": [{"url": "%s/hook"}], "metadata": {"order": 42, "tags": ["a", "b"], "deep": {"x": true}}}
                """.formatted(receiver.url()),
                new UpstreamResponse(201, Map.of("content-type", "application/json", "x-multi", "a, b"), "{\"id\": 7}"));

        JsonNode body = json(receiver.awaitCount(1, WAIT).get(0).body());
        assertThat(body.path("job_id").asString()).isEqualTo(jobId);
        assertThat(body.path("idempotent_key").asString()).isEqualTo("order-42");
        assertThat(body.path("status").asString()).isEqualTo("success");
        JsonNode response = body.path("response");
        assertThat(response.path("status_code").isInt()).isTrue();
        assertThat(response.path("status_code").asInt()).isEqualTo(201);
        assertThat(response.path("body").isString()).as("body is text, not parsed JSON").isTrue();
        assertThat(response.path("body").asString()).isEqualTo("{\"id\": 7}");
        assertThat(response.path("headers").path("x-multi").asString()).isEqualTo("a, b");
        assertThat(response.path("headers").path("content-type").asString()).isEqualTo("application/json");
        assertThat(body.path("metadata")).isEqualTo(JSON.readTree("{\"order\": 42, \"tags\": [\"a\", \"b\"], \"deep\": {\"x\": true}}"));
        assertThat(body.has("received_at")).isFalse();
        awaitStatus(jobId, "delivered");
    }

    @Test
    void cloudFailureSaysFailedWithTheLastAnswerOrNull() {
        String tenant = newTenant();
        String withAnswer = finishJob(tenant, Surface.CLOUD, job(), new UpstreamResponse(503, Map.of(), "busy"));
        String withoutAnswer = finishJob(tenant, Surface.CLOUD, job(), null);

        receiver.awaitCount(2, WAIT);
        JsonNode answered = bodyOf(withAnswer);
        assertThat(answered.path("status").asString()).isEqualTo("failed");
        assertThat(answered.path("response").path("status_code").asInt()).isEqualTo(503);
        assertThat(answered.path("response").path("body").asString()).isEqualTo("busy");
        assertThat(answered.path("error").asString()).isNotBlank();
        assertThat(answered.path("metadata").isObject()).as("metadata is {} when none").isTrue();

        JsonNode unanswered = bodyOf(withoutAnswer);
        assertThat(unanswered.path("status").asString()).isEqualTo("failed");
        assertThat(unanswered.get("response").isNull()).isTrue();
        assertThat(unanswered.path("error").asString()).isEqualTo("connection refused");
        awaitStatus(withAnswer, "delivered");
        awaitStatus(withoutAnswer, "delivered");
    }

    @Test
    void localJobsGetTheLocalShape() {
        String completed = finishJob("local", Surface.LOCAL, job(), new UpstreamResponse(500, Map.of(), "oops"));
        String failed = finishJob("local", Surface.LOCAL, job(), null);

        receiver.awaitCount(2, WAIT);
        JsonNode c = bodyOf(completed);
        assertThat(c.path("status").asString()).as("any HTTP answer is 'completed' locally").isEqualTo("completed");
        assertThat(c.path("response_status").asInt()).isEqualTo(500);
        assertThat(c.path("body").asString()).isEqualTo("oops");
        assertThat(c.has("idempotent_key")).isFalse();
        JsonNode f = bodyOf(failed);
        assertThat(f.path("status").asString()).isEqualTo("failed");
        assertThat(f.path("reason").asString()).isEqualTo("connection refused");
        awaitStatus(completed, "delivered");
        awaitStatus(failed, "delivered");
    }

    private JsonNode bodyOf(String jobId) {
        return receiver.requests().stream().map(r -> json(r.body()))
                .filter(b -> b.path("job_id").asString().equals(jobId))
                .findFirst().orElseThrow(() -> new AssertionError("no webhook for " + jobId));
    }

    private String job() {
        return """
                {"url": "https://api.example.com/x", "webhooks": [{"url": "%s/hook"}]}
                """.formatted(receiver.url());
    }
}
