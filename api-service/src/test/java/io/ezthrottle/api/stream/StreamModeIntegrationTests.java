package io.ezthrottle.api.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.ezthrottle.api.ApiApplication;
import io.ezthrottle.core.delivery.DeliveryPlan;
import io.ezthrottle.core.delivery.DeliveryShards;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.delivery.Planned;
import io.ezthrottle.core.delivery.StreamHandoff;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.UpstreamResponse;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.api.stream.StreamMessageId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stream mode (compat-protocol §1.7, local surface): opening a job's stream holds its webhooks back; the terminal event written to
 * the stream is the delivery; a client that goes away hands the outcome back to the webhooks at once. The test plays
 * the webhook dispatcher through the delivery store, exactly as it plans a result entry; a second API replica shows
 * that the decision is shared through Redis. A cloud job's stream only informs: its webhooks are never held.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamModeIntegrationTests extends ApiDeliveryIntegrationSupport {

    private static final String HOOK = "https://hooks.example.com/h";
    private static final String LOCAL = "local";
    private static final String JOB = "{\"url\": \"https://api.example.com/orders\", \"webhooks\": [{\"url\": \"" + HOOK + "\"}]}";

    @Autowired
    DeliveryStore deliveries;
    @Autowired
    StreamHandoff handoff;
    @Autowired
    JobStreams streams;

    private ConfigurableApplicationContext second;
    private int secondPort;

    @BeforeAll
    void startSecondReplica() {
        second = new SpringApplicationBuilder(ApiApplication.class).web(WebApplicationType.REACTIVE).run(
                "--server.port=0",
                "--ezthrottle.redis.url=" + RedisTestServer.shared().url(),
                "--ezthrottle.redis.key-prefix=api-delivery",
                "--ezthrottle.egress.allow=",
                "--ezthrottle.stream.poll=100ms",
                "--ezthrottle.stream.keepalive=400ms",
                "--spring.main.banner-mode=off");
        secondPort = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    void stopSecondReplica() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void theTerminalEventIsTheDeliveryAndTheWebhookIsNeverPlanned() {
        String jobId = post("/jobs", null, localJob()).text("job_id");

        try (SseStream stream = openStream("/jobs/" + jobId + "/stream", null)) {
            stream.awaitNamed("queued");
            awaitMode(jobId, "stream");
            // The dispatcher reads the result while the stream is open: it holds it back.
            assertThat(planAsDispatcher(jobId, LOCAL)).isEqualTo(new Planned(List.of(), true));

            finish(jobId, new UpstreamResponse(200, Map.of(), "{\"id\":1}"), true);
            stream.awaitEnd();
            assertThat(stream.names()).containsExactly("queued", "dispatching", "completed");
        }
        awaitMode(jobId, "streamed");
        // The held entry, read again, is settled: nothing to send, nothing held.
        assertThat(planAsDispatcher(jobId, LOCAL)).isEqualTo(new Planned(List.of(), false));
        assertThat(deliveries.view(jobId).blockOptional(WAIT)).as("no webhook delivery exists").isEmpty();
    }

    @Test
    void aClientThatLeavesHandsTheHeldOutcomeBackToTheWebhooksAtOnce() {
        String jobId = post("/jobs", null, localJob()).text("job_id");

        SseStream stream = openStream("/jobs/" + jobId + "/stream", null);
        stream.awaitNamed("queued");
        awaitMode(jobId, "stream");
        // The dispatcher reads the job's result while the stream is open (the test plays it before the stream can
        // see the end, which would settle the outcome through the stream instead).
        assertThat(planAsDispatcher(jobId, LOCAL).held()).isTrue();

        stream.close(); // the client goes away before the terminal event reached it
        awaitMode(jobId, "stream_fallback");
        Await.until(() -> resultEntries(jobId) == 1, WAIT, () -> "the result published again for the dispatcher");
        finish(jobId, new UpstreamResponse(200, Map.of(), "ok"), false);
        List<io.ezthrottle.core.delivery.PendingAttempt> attempts = planAsDispatcher(jobId, LOCAL).attempts();
        assertThat(attempts).singleElement().satisfies(a -> assertThat(a.url()).isEqualTo(HOOK));
    }

    @Test
    void aClientThatLeavesBeforeTheEndLetsTheNormalPathSendTheWebhook() {
        String jobId = post("/jobs", null, localJob()).text("job_id");

        SseStream stream = openStream("/jobs/" + jobId + "/stream", null);
        stream.awaitNamed("queued");
        awaitMode(jobId, "stream");
        stream.close();
        awaitMode(jobId, "stream_fallback");
        assertThat(resultEntries(jobId)).as("nothing was held, so nothing is republished").isZero();

        finish(jobId, new UpstreamResponse(200, Map.of(), "ok"), true);
        assertThat(planAsDispatcher(jobId, LOCAL).attempts()).hasSize(1);
    }

    @Test
    void aStreamOpenedAfterTheWebhooksWerePlannedOnlyInforms() {
        String jobId = post("/jobs", null, localJob()).text("job_id");
        finish(jobId, new UpstreamResponse(200, Map.of(), "ok"), false);
        assertThat(planAsDispatcher(jobId, LOCAL).attempts()).hasSize(1);

        try (SseStream stream = openStream("/jobs/" + jobId + "/stream", null)) {
            stream.awaitEnd();
            assertThat(stream.names()).containsExactly("queued", "dispatching", "completed");
        }
        assertThat(handoff.mode(jobId).blockOptional(WAIT)).isEmpty();
    }

    @Test
    void aCloudJobsStreamOnlyInformsItsWebhooksGoOutAsUsual() {
        TestTenant tenant = newTenant();
        String jobId = submit(tenant, JOB);

        try (SseStream stream = openStream("/api/v1/jobs/" + jobId + "/stream", tenant.apiKey())) {
            stream.awaitNamed("queued");
            // Stream-first delivery belongs to the local surface (§1.7, A2); a cloud job's quorum webhooks never wait.
            assertThat(planAsDispatcher(jobId, tenant.id()).attempts()).hasSize(1);
            finish(jobId, new UpstreamResponse(200, Map.of(), "ok"), true);
            stream.awaitEnd();
        }
        assertThat(handoff.mode(jobId).blockOptional(WAIT)).isEmpty();
    }

    @Test
    void streamsOnTwoReplicasShareTheDecision() {
        String jobId = post("/jobs", null, localJob()).text("job_id");

        SseStream onFirst = openStream("/jobs/" + jobId + "/stream", null);
        onFirst.awaitNamed("queued");
        try (SseStream onSecond = openStreamOn(secondPort, "/jobs/" + jobId + "/stream", null)) {
            onSecond.awaitNamed("queued");
            assertThat(planAsDispatcher(jobId, LOCAL).held()).isTrue();

            onFirst.close();
            // The second replica's stream is still attached, so the webhook stays held and nothing is republished.
            Await.until(() -> openStreams(jobId) == 1, WAIT, () -> "the first stream to detach");
            assertThat(handoff.mode(jobId).block(WAIT)).isEqualTo("stream");

            finish(jobId, new UpstreamResponse(201, Map.of(), "made"), true);
            onSecond.awaitEnd();
            assertThat(onSecond.names()).containsExactly("queued", "dispatching", "completed");
        }
        awaitMode(jobId, "streamed");
        assertThat(resultEntries(jobId)).isZero();
        assertThat(planAsDispatcher(jobId, LOCAL)).isEqualTo(new Planned(List.of(), false));
    }

    /** What the webhook dispatcher does with a result entry of this job. */
    private Planned planAsDispatcher(String jobId, String tenantId) {
        DeliveryPlan plan = new DeliveryPlan(jobId, tenantId, Surface.CLOUD, "{}", 1, List.of(new DeliveryPlan.Target(HOOK, true)));
        return deliveries.planAll(DeliveryShards.of(jobId), List.of(plan), Duration.ofSeconds(30), Duration.ofHours(1))
                .block(WAIT).get(0);
    }

    private void awaitMode(String jobId, String mode) {
        Await.until(() -> mode.equals(handoff.mode(jobId).block(WAIT)), WAIT,
                () -> "stream mode " + mode + ", is " + handoff.mode(jobId).block(WAIT));
    }

    private long resultEntries(String jobId) {
        return streams.results().range(StreamMessageId.MIN, StreamMessageId.MAX).defaultIfEmpty(Map.of()).block(WAIT)
                .values().stream()
                .filter(fields -> jobId.equals(fields.get(StreamGroups.JOB_ID))).count();
    }

    private int openStreams(String jobId) {
        String key = "api-delivery:dlv:{d" + DeliveryShards.of(jobId) + "}:" + jobId + ":stream";
        return Integer.parseInt(String.valueOf(second.getBean(org.redisson.api.RedissonClient.class)
                .<String, String>getMap(key, org.redisson.client.codec.StringCodec.INSTANCE).getOrDefault("open", "0")));
    }

    private static String localJob() {
        return """
                {"user_id": "u1", "idempotent_key": "%s", "url": "https://api.example.com/orders", "method": "GET",
                 "webhook_url": "%s"}""".formatted("stream-" + UUID.randomUUID(), HOOK);
    }
}
