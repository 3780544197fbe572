package io.ezthrottle.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * Delivery through the whole platform (API, a worker, the webhook dispatcher; real Redis; loopback stubs): secrets
 * and signature scheme set through the API, a job followed live over SSE while its upstream call is in flight, and
 * a webhook that exhausts its schedule, is dead-lettered, and is replayed through the API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryEndToEndIntegrationTests {

    private TestPlatform platform;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        platform = new TestPlatform(1,
                "--ezthrottle.webhook.retry-delays=0ms,100ms",
                "--ezthrottle.webhook.give-up-after=400ms",
                "--ezthrottle.webhook.jitter=0",
                "--ezthrottle.webhook.claim-interval=50ms",
                "--ezthrottle.webhook.signing-cache-ttl=0s",
                "--ezthrottle.stream.poll=200ms");
    }

    @AfterAll
    void stop() {
        platform.close();
    }

    @Test
    void aJobFollowedLiveIsDeliveredWithBothSignatureSchemes() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String secret = "whsec_" + Base64.getEncoder().encodeToString(key);
        assertThat(platform.post("/api/v1/webhook-secrets", "{\"primary_secret\": \"" + secret + "\"}").statusCode()).isEqualTo(200);
        assertThat(send("PUT", "/api/v1/webhook-settings", platform.apiKey, "{\"signature_scheme\": \"both\"}").statusCode()).isEqualTo(200);

        CountDownLatch release = new CountDownLatch(1);
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            // The upstream holds its answer until the test has seen the job dispatched.
            upstream.respond(r -> {
                awaitQuietly(release);
                return HttpStub.Response.ok("{\"order\": 42}");
            });
            var submitted = platform.post("/api/v1/jobs", """
                    {"url": "%s/orders", "idempotent_key": "e2e-%s", "webhooks": [{"url": "%s/hook"}], "metadata": {"m": 1}}
                    """.formatted(upstream.url(), UUID.randomUUID(), receiver.url()));
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
            String jobId = platform.json(submitted).path("job_id").asString();

            Sse stream = new Sse(platform.apiUrl("/api/v1/jobs/" + jobId + "/stream"), platform.apiKey);
            Await.until(() -> stream.names().contains("dispatching"), Duration.ofSeconds(20), () -> "dispatching: " + stream.lines);
            assertThat(stream.names()).doesNotContain("completed");
            release.countDown();
            Await.until(() -> stream.ended, Duration.ofSeconds(20), () -> "stream end: " + stream.lines);
            assertThat(stream.names().stream().filter(n -> !n.equals("position")).toList())
                    .containsExactly("queued", "dispatching", "completed");

            HttpStub.Request hook = receiver.awaitCount(1, Duration.ofSeconds(20)).get(0);
            JsonNode body = platform.json(hook.bodyText());
            assertThat(body.path("job_id").asString()).isEqualTo(jobId);
            assertThat(body.path("status").asString()).isEqualTo("success");
            assertThat(body.path("response").path("body").asString()).isEqualTo("{\"order\": 42}");
            assertThat(body.path("metadata").path("m").asInt()).isEqualTo(1);
            // Checked with this test's own HMAC: the SDKs' header keyed by the secret's UTF-8 bytes...
            String t = hook.header("X-EZThrottle-Signature").replaceAll("^t=(\\d+),v1=.*$", "$1");
            assertThat(hook.header("X-EZThrottle-Signature"))
                    .isEqualTo("t=" + t + ",v1=" + hex(hmac(secret.getBytes(StandardCharsets.UTF_8), t + ".", hook.body())));
            // ...and Standard Webhooks keyed by the decoded whsec_ bytes.
            String signed = hook.header("webhook-id") + "." + hook.header("webhook-timestamp") + ".";
            assertThat(hook.header("webhook-signature")).isEqualTo("v1," + Base64.getEncoder().encodeToString(hmac(key, signed, hook.body())));

            Await.until(() -> "delivered".equals(platform.json(platform.get("/api/v1/jobs/" + jobId + "/deliveries")).path("status").asString()),
                    Duration.ofSeconds(10), () -> "delivery status");
        } finally {
            release.countDown();
        }
    }

    @Test
    void anExhaustedWebhookIsDeadLetteredAndItsReplayDelivered() {
        AtomicBoolean fixed = new AtomicBoolean(false);
        try (HttpStub upstream = new HttpStub(); HttpStub receiver = new HttpStub()) {
            receiver.respond(r -> fixed.get() ? HttpStub.Response.ok("{}") : HttpStub.Response.status(500));
            var submitted = platform.post("/api/v1/jobs", """
                    {"url": "%s/x", "idempotent_key": "dl-%s", "webhooks": [{"url": "%s/hook"}]}
                    """.formatted(upstream.url(), UUID.randomUUID(), receiver.url()));
            String jobId = platform.json(submitted).path("job_id").asString();

            Await.until(() -> letters(platform.apiKey).size() > 0 && letters(platform.apiKey).get(0).path("job_id").asString().equals(jobId),
                    Duration.ofSeconds(20), () -> "a dead letter for " + jobId);
            JsonNode letter = letters(platform.apiKey).get(0);
            assertThat(letter.path("last_status").asInt()).isEqualTo(500);
            assertThat(letter.path("last_error").asString()).isEqualTo("receiver answered 500");
            String letterId = letter.path("id").asString();
            int refused = receiver.count();

            String stranger = strangerKey();
            assertThat(letters(stranger)).isEmpty();
            assertThat(send("POST", "/api/v1/dead-letters/" + letterId + "/replay", stranger, null).statusCode()).isEqualTo(404);

            fixed.set(true);
            var replay = send("POST", "/api/v1/dead-letters/" + letterId + "/replay", platform.apiKey, null);
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(202);
            receiver.awaitCount(refused + 1, Duration.ofSeconds(20));
            Await.until(() -> "delivered".equals(platform.json(platform.get("/api/v1/jobs/" + jobId + "/deliveries")).path("status").asString()),
                    Duration.ofSeconds(10), () -> "delivery status after replay");
            assertThat(receiver.count()).as("one delivery after the replay").isEqualTo(refused + 1);
            assertThat(letters(platform.apiKey).stream().map(l -> l.path("id").asString())).doesNotContain(letterId);
        }
    }

    private List<JsonNode> letters(String apiKey) {
        JsonNode page = platform.json(send("GET", "/api/v1/dead-letters", apiKey, null).body());
        List<JsonNode> out = new ArrayList<>();
        page.path("dead_letters").forEach(out::add);
        return out;
    }

    /** Another customer of the same platform, with a key of its own. */
    private String strangerKey() {
        TenantStore tenants = platform.workers().get(0).getBean(TenantStore.class);
        String id = "cust_stranger_" + UUID.randomUUID().toString().substring(0, 8);
        String key = "stranger_" + UUID.randomUUID();
        tenants.upsert(id, "stranger", Tier.FREE).then(tenants.addKey(id, key)).block(Duration.ofSeconds(5));
        return key;
    }

    private HttpResponse<String> send(String method, String path, String apiKey, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(platform.apiUrl(path)))
                .header("Authorization", "Bearer " + apiKey)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] hmac(byte[] key, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** An SSE response read line by line in the background. */
    private final class Sse {
        final List<String> lines = new CopyOnWriteArrayList<>();
        volatile boolean ended;

        Sse(String url, String apiKey) {
            http.sendAsync(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + apiKey).GET().build(),
                    HttpResponse.BodyHandlers.ofLines()).thenAccept(r -> {
                        Thread reader = new Thread(() -> {
                            try (Stream<String> s = r.body()) {
                                s.forEach(lines::add);
                            } finally {
                                ended = true;
                            }
                        });
                        reader.setDaemon(true);
                        reader.start();
                    });
        }

        List<String> names() {
            return lines.stream().filter(l -> l.startsWith("event: ")).map(l -> l.substring(7)).toList();
        }
    }
}
