package io.ezthrottle.launcher.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.launcher.TestPlatform;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the worker scenario tests share: submitting, reading webhooks by job, peeking at a job's Redis hash. */
final class Scenarios {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Scenarios() {
    }

    /** Submits a job on the cloud surface; asserts it was accepted (201) and returns the submission response. */
    static JsonNode submit(TestPlatform platform, String body) {
        HttpResponse<String> response = platform.post("/api/v1/jobs", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return platform.json(response);
    }

    /** The {@code webhooks} member sending results to {@code receiver}. */
    static String hooks(HttpStub receiver) {
        return "[{\"url\": \"" + receiver.url("/hook") + "\", \"has_quorum_vote\": true}]";
    }

    static String uniqueKey(String label) {
        return label + "_" + UUID.randomUUID();
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }

    /** Webhook requests received for {@code jobId}, in arrival order. */
    static List<HttpStub.Request> webhookRequests(HttpStub receiver, String jobId) {
        return receiver.requests().stream()
                .filter(r -> jobId.equals(json(r.bodyText()).path("job_id").asString()))
                .toList();
    }

    static List<JsonNode> webhooks(HttpStub receiver, String jobId) {
        return webhookRequests(receiver, jobId).stream().map(r -> json(r.bodyText())).toList();
    }

    /** Waits for the first webhook of {@code jobId} and returns that request. */
    static HttpStub.Request awaitWebhookRequest(HttpStub receiver, String jobId, Duration timeout) {
        Await.until(() -> !webhookRequests(receiver, jobId).isEmpty(), timeout,
                () -> "webhook of " + jobId + "; received: " + receiver.requests().stream().map(HttpStub.Request::bodyText).toList());
        return webhookRequests(receiver, jobId).get(0);
    }

    static JsonNode awaitWebhook(HttpStub receiver, String jobId, Duration timeout) {
        return json(awaitWebhookRequest(receiver, jobId, timeout).bodyText());
    }

    /** Waits for any webhook whose {@code parent_job_id} is {@code parentId} (an on_success / on_failure child). */
    static JsonNode awaitChildWebhook(HttpStub receiver, String parentId, Duration timeout) {
        Await.until(() -> !childWebhooks(receiver, parentId).isEmpty(), timeout,
                () -> "webhook of a child of " + parentId + "; received: "
                        + receiver.requests().stream().map(HttpStub.Request::bodyText).toList());
        return childWebhooks(receiver, parentId).get(0);
    }

    static List<JsonNode> childWebhooks(HttpStub receiver, String parentId) {
        return receiver.requests().stream().map(r -> json(r.bodyText()))
                .filter(n -> parentId.equals(n.path("parent_job_id").asString()))
                .toList();
    }

    /** GET /api/v1/jobs/{id}. */
    static JsonNode status(TestPlatform platform, String jobId) {
        HttpResponse<String> response = platform.get("/api/v1/jobs/" + jobId);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return platform.json(response);
    }

    /** Every field of the job's Redis hash (attempt ledger included), read through a worker's Redisson client. */
    static Map<String, String> hash(TestPlatform platform, String jobId) {
        var worker = platform.workers().get(0);
        String key = worker.getBean(RedisKeys.class).job(jobId);
        return worker.getBean(RedissonClient.class).<String, String>getMap(key, StringCodec.INSTANCE).readAllMap();
    }

    /** Remaining lifetime of the job's hash in ms (-2 when it does not exist, -1 without expiry). */
    static long pttl(TestPlatform platform, String jobId) {
        var worker = platform.workers().get(0);
        String key = worker.getBean(RedisKeys.class).job(jobId);
        return worker.getBean(RedissonClient.class).getKeys().remainTimeToLive(key);
    }

    static <T> T bean(TestPlatform platform, Class<T> type) {
        return platform.workers().get(0).getBean(type);
    }

    /**
     * Lets everything already published reach the receiver: a fresh trivial job's webhook arrives after any result
     * published before it, so "still exactly one webhook" can then be asserted without sleeping.
     */
    static void settle(TestPlatform platform, HttpStub receiver) {
        try (HttpStub upstream = new HttpStub()) {
            String id = submit(platform, """
                    {"url": "%s/sentinel", "webhooks": %s, "idempotent_key": "%s"}
                    """.formatted(upstream.url(), hooks(receiver), uniqueKey("sentinel"))).path("job_id").asString();
            awaitWebhook(receiver, id, Duration.ofSeconds(15));
        }
    }

    /** A stub answer after an upstream latency (blocks only the stub's own pool thread). */
    static HttpStub.Response after(Duration latency, HttpStub.Response response) {
        long until = System.nanoTime() + latency.toNanos();
        for (long left = latency.toNanos(); left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        return response;
    }

    static HttpStub.Response ok(String body) {
        return HttpStub.Response.ok(body);
    }

    static HttpStub.Response status(int status) {
        return HttpStub.Response.status(status);
    }
}
