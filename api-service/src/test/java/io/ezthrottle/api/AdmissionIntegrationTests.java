package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.ezthrottle.testsupport.Await;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Admission control (compat-protocol §6.7) with a queue-depth ceiling of 3, on a keyspace of its own (no worker
 * drains it, so the test decides the depth): refusals carry a Retry-After doubling from 5 s to 60 s, reset once a
 * job is admitted; duplicates still pass; the SDK proxy lifts the refusal; health shows the state.
 */
@TestPropertySource(properties = {
        "ezthrottle.api.admission.max-queue-depth=3",
        "ezthrottle.api.admission.sample-interval=50ms"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdmissionIntegrationTests extends ApiIntegrationSupport {

    private static final String PREFIX = "adm-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String JOBS = "/api/v1/jobs";

    @DynamicPropertySource
    static void ownKeyspace(DynamicPropertyRegistry registry) {
        registry.add("ezthrottle.redis.key-prefix", () -> PREFIX);
    }

    @Test
    @Order(1)
    void overTheCeilingNewJobsAreShedWithADoublingRetryAfterAndDuplicatesStillPass() {
        TestTenant tenant = newTenant();
        String firstJob = job("first");
        assertThat(post(JOBS, tenant.apiKey(), firstJob).status()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            assertThat(post(JOBS, tenant.apiKey(), job("fill-" + i)).status()).isEqualTo(201);
        }
        awaitState("shedding");
        long intake = intakeSize();

        List<Long> retryAfter = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            long before = System.currentTimeMillis();
            Reply shed = post(JOBS, tenant.apiKey(), job("shed-" + i));
            assertThat(shed.status()).as(shed.toString()).isEqualTo(429);
            assertThat(shed.text("error")).isEqualTo("admission rejected: queue_depth at 4 exceeds limit 3");
            assertThat(shed.text("limit_reason")).isEqualTo("queue_depth");
            assertThat(shed.json().get("limit").asLong()).isEqualTo(3);
            assertThat(shed.json().get("current").asLong()).isEqualTo(4);
            long seconds = Long.parseLong(shed.headers().getFirst(HttpHeaders.RETRY_AFTER));
            assertThat(shed.json().get("retry_at").asLong()).isBetween(before + seconds * 1000, System.currentTimeMillis() + seconds * 1000);
            retryAfter.add(seconds);
        }
        assertThat(retryAfter).containsExactly(5L, 10L, 20L, 40L, 60L, 60L);
        assertThat(intakeSize()).as("nothing queued while shedding").isEqualTo(intake);
        assertThat(get("/api/v1/usage", tenant.apiKey()).json().get("used").asLong()).isEqualTo(4);

        // a repeat of a known job is answered even now
        Reply duplicate = post(JOBS, tenant.apiKey(), firstJob);
        assertThat(duplicate.status()).isEqualTo(200);
        assertThat(duplicate.json().get("duplicate").asBoolean()).isTrue();

        JsonNode health = get("/actuator/health", null).json();
        assertThat(health.get("status").asString()).isEqualTo("UP");
        JsonNode admission = health.path("components").path("admission").path("details");
        assertThat(admission.get("state").asString()).isEqualTo("shedding");
        assertThat(admission.get("queue_depth").asLong()).isEqualTo(4);
        assertThat(admission.get("max_queue_depth").asLong()).isEqualTo(3);
        assertThat(admission.get("retry_after_seconds").asLong()).isEqualTo(60);
        assertThat(admission.get("max_body_bytes").asLong()).isEqualTo(1_048_576);
    }

    @Test
    @Order(2)
    void throughTheProxyTheRefusalIsAnOuter429() {
        TestTenant tenant = newTenant();
        String envelope = JSON.createObjectNode()
                .put("scope", "customer").put("metric_name", "")
                .put("target_url", "https://ezthrottle.fly.dev/api/v1/jobs").put("method", "POST")
                .put("body", job("proxied")).toString();

        Reply reply = post("/api/v1/proxy", tenant.apiKey(), envelope);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(429);
        assertThat(reply.headers().getFirst(HttpHeaders.RETRY_AFTER)).matches("\\d+");
        assertThat(reply.json().get("retry_at").isIntegralNumber()).isTrue();
        assertThat(reply.json().get("error").asString()).startsWith("admission rejected");
    }

    @Test
    @Order(3)
    void onceTheQueueDrainsJobsAreAcceptedAndTheRetryAfterStartsOverAtTheBase() {
        TestTenant tenant = newTenant();
        // what the workers do: finished entries leave the stream
        redisson.getKeys().delete(keys.jobStream());
        awaitState("accepting");

        Reply accepted = post(JOBS, tenant.apiKey(), job("after-drain"));
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(201);
        JsonNode admission = get("/actuator/health", null).json().path("components").path("admission").path("details");
        assertThat(admission.get("retry_after_seconds").asLong()).isEqualTo(5);

        for (int i = 0; i < 3; i++) {
            assertThat(post(JOBS, tenant.apiKey(), job("refill-" + i)).status()).isEqualTo(201);
        }
        awaitState("shedding");
        Reply shedAgain = post(JOBS, tenant.apiKey(), job("shed-again"));
        assertThat(shedAgain.status()).isEqualTo(429);
        assertThat(shedAgain.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
    }

    private void awaitState(String state) {
        Await.until(() -> state.equals(get("/actuator/health", null).json()
                        .path("components").path("admission").path("details").path("state").asString()),
                Duration.ofSeconds(10), () -> "admission state never became " + state);
    }

    private static String job(String name) {
        return "{\"url\": \"https://api.example.com/admission/" + name + "/" + unique() + "\", \"idempotent_key\": \""
                + name + "-" + unique() + "\"}";
    }
}
