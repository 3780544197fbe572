package io.ezthrottle.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The backbone end to end, with real services, real Redis and loopback HTTP stubs: submit → stream → paced
 * upstream call → signed webhook.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlatformEndToEndIntegrationTests {

    private static final String SECRET = "e2e-primary-secret-0123456789";
    /** Default pace is 2/s: 500 ms between starts; the margin absorbs timer and scheduling jitter on a busy 2-core box. */
    private static final long MIN_GAP_MS = 425;

    private TestPlatform platform;
    private final HttpStub receiver = new HttpStub();

    @BeforeAll
    void start() {
        platform = new TestPlatform(1);
        assertThat(platform.post("/api/v1/webhook-secrets", "{\"primary_secret\":\"" + SECRET + "\"}").statusCode())
                .isEqualTo(200);
        warmUp(platform, receiver);
    }

    @AfterAll
    void stop() {
        platform.close();
        receiver.close();
    }

    @Test
    void tenJobsArePacedAtTwoPerSecondAndEachSignedWebhookVerifies() {
        try (HttpStub upstream = new HttpStub()) {
            receiver.clear();
            List<String> ids = submit(platform, upstream, receiver, 10);

            List<HttpStub.Request> arrivals = upstream.awaitCount(10, Duration.ofSeconds(30));
            assertMinimumGap(arrivals, MIN_GAP_MS);

            List<HttpStub.Request> webhooks = receiver.awaitCount(10, Duration.ofSeconds(30));
            Set<String> delivered = new java.util.HashSet<>();
            for (HttpStub.Request hook : webhooks) {
                assertThat(verify(hook.header("X-EZThrottle-Signature"), hook.body(), SECRET))
                        .as("signature of %s", hook.bodyText()).isTrue();
                JsonNode body = platform.json(hook.bodyText());
                assertThat(body.path("status").asString()).isEqualTo("success");
                assertThat(body.path("response").path("status_code").asInt()).isEqualTo(200);
                delivered.add(body.path("job_id").asString());
            }
            assertThat(delivered).containsExactlyInAnyOrderElementsOf(ids);

            for (String id : ids) {
                JsonNode status = platform.json(platform.get("/api/v1/jobs/" + id));
                assertThat(status.path("status").asString()).isEqualTo("completed");
                assertThat(status.path("status_code").asInt()).isEqualTo(200);
            }
            // The job's idempotency key travels upstream so it can deduplicate our at-least-once calls.
            assertThat(arrivals).allSatisfy(r -> assertThat(r.header("Idempotency-Key")).isNotBlank());
        }
    }

    @Test
    void twoWorkerReplicasShareOneDomainPaceOfTwoPerSecond() {
        try (TestPlatform two = new TestPlatform(2); HttpStub upstream = new HttpStub(); HttpStub hooks = new HttpStub()) {
            warmUp(two, hooks);
            hooks.clear();
            submit(two, upstream, hooks, 12);
            List<HttpStub.Request> arrivals = upstream.awaitCount(12, Duration.ofSeconds(30));
            hooks.awaitCount(12, Duration.ofSeconds(30));
            assertMinimumGap(arrivals, MIN_GAP_MS);
            // Both replicas really dispatched: otherwise this would not test shared pacing.
            for (var worker : two.workers()) {
                double finished = worker.getBean(MeterRegistry.class).find("ezthrottle.worker.attempts").counters()
                        .stream().mapToDouble(c -> c.count()).sum();
                assertThat(finished).as("jobs finished by one replica").isGreaterThan(0);
            }
        }
    }

    @Test
    void aWaitingBacklogDoesNotDelayAnotherDomain() {
        try (HttpStub slow = new HttpStub(); HttpStub fast = new HttpStub()) {
            submit(platform, slow, receiver, 8);
            slow.awaitCount(1, Duration.ofSeconds(10));
            long submitted = System.currentTimeMillis();
            submit(platform, fast, receiver, 1);
            HttpStub.Request first = fast.awaitCount(1, Duration.ofSeconds(10)).get(0);
            // The slow domain still has seconds of backlog; the other domain's job went out right away.
            assertThat(first.arrivedMillis() - submitted).isLessThan(1500);
            assertThat(slow.count()).isLessThan(8);
        }
    }

    private static List<String> submit(TestPlatform platform, HttpStub upstream, HttpStub receiver, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String body = """
                    {"url": "%s/item?n=%d", "method": "get", "idempotent_key": "k-%s-%d",
                     "webhooks": [{"url": "%s/hook", "has_quorum_vote": true}], "metadata": {"n": %d}}
                    """.formatted(upstream.url(), i, java.util.UUID.randomUUID(), i, receiver.url(), i);
            var response = platform.post("/api/v1/jobs", body);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            ids.add(platform.json(response).path("job_id").asString());
        }
        return ids;
    }

    /** One job through the whole path so connection set-up does not distort the first measured gap. */
    private static void warmUp(TestPlatform platform, HttpStub receiver) {
        try (HttpStub warm = new HttpStub()) {
            int before = receiver.count();
            submit(platform, warm, receiver, 1);
            Await.until(() -> receiver.count() > before, Duration.ofSeconds(20), () -> "warm-up webhook");
        }
    }

    private static void assertMinimumGap(List<HttpStub.Request> arrivals, long minGapMs) {
        List<Long> times = arrivals.stream().map(HttpStub.Request::arrivedNanos).sorted().collect(Collectors.toList());
        for (int i = 1; i < times.size(); i++) {
            long gapMs = (times.get(i) - times.get(i - 1)) / 1_000_000;
            assertThat(gapMs).as("gap between arrival %d and %d", i - 1, i).isGreaterThanOrEqualTo(minGapMs);
        }
    }

    /** Independent verification of {@code t=<s>,v1=<hex>}: HMAC-SHA256 over "<t>.<raw body>". */
    static boolean verify(String header, byte[] body, String secret) {
        if (header == null) {
            return false;
        }
        String t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv[0].equals("t")) {
                t = kv[1];
            } else if (kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null || Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(t)) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body)).equals(v1);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
