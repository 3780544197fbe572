package io.ezthrottle.api.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.ezthrottle.api.stream.ApiDeliveryIntegrationSupport;
import io.ezthrottle.core.delivery.DeadLetter;
import io.ezthrottle.core.delivery.DeadLetterStore;
import io.ezthrottle.core.delivery.DeliveryShards;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.redis.RedisKeys;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * {@code /api/v1/dead-letters}: a tenant lists, reads, replays and discards its own dead letters and cannot see or
 * touch anyone else's. Letters are written through the store exactly as the webhook dispatcher writes them.
 */
class DeadLetterIntegrationTests extends ApiDeliveryIntegrationSupport {

    private static final String LETTERS = "/api/v1/dead-letters";

    @Autowired
    DeadLetterStore letters;
    @Autowired
    RedissonClient redisson;
    @Autowired
    RedisKeys keys;

    @Test
    void aTenantListsItsLettersNewestFirstInPages() {
        TestTenant tenant = newTenant();
        String first = letter(tenant, "job_1_1", 500, "receiver answered 500");
        String second = letter(tenant, "job_2_2", 0, "Connection refused");
        String third = letter(tenant, "job_3_3", 503, "receiver answered 503");

        Reply page1 = get(LETTERS + "?limit=2", tenant.apiKey());
        assertThat(page1.status()).as(page1.toString()).isEqualTo(200);
        JsonNode items = page1.json().path("dead_letters");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).path("id").asString()).isEqualTo(third);
        assertThat(items.get(1).path("id").asString()).isEqualTo(second);
        JsonNode newest = items.get(0);
        assertThat(newest.path("job_id").asString()).isEqualTo("job_3_3");
        assertThat(newest.path("webhook_url").asString()).isEqualTo("https://hooks.example.com/job_3_3");
        assertThat(newest.path("last_status").asInt()).isEqualTo(503);
        assertThat(newest.path("last_error").asString()).isEqualTo("receiver answered 503");
        assertThat(newest.path("attempts").asInt()).isEqualTo(27);
        assertThat(newest.has("payload")).as("listing leaves payloads out").isFalse();

        Reply page2 = get(LETTERS + "?limit=2&before=" + page1.text("next_before"), tenant.apiKey());
        assertThat(page2.json().path("dead_letters")).hasSize(1);
        assertThat(page2.json().path("dead_letters").get(0).path("id").asString()).isEqualTo(first);
        assertThat(page2.json().get("next_before").isNull()).isTrue();

        Reply one = get(LETTERS + "/" + first, tenant.apiKey());
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.text("payload")).isEqualTo("{\"job_id\":\"job_1_1\",\"status\":\"success\"}");
    }

    @Test
    void anotherTenantCannotReadReplayOrDiscardThem() {
        TestTenant owner = newTenant();
        TestTenant other = newTenant();
        String id = letter(owner, "job_9_9", 500, "receiver answered 500");

        assertThat(get(LETTERS, other.apiKey()).json().path("dead_letters")).isEmpty();
        Reply read = get(LETTERS + "/" + id, other.apiKey());
        assertThat(read.status()).isEqualTo(404);
        assertThat(read.text("error")).isEqualTo("dead letter not found");
        assertThat(post(LETTERS + "/" + id + "/replay", other.apiKey(), null).status()).isEqualTo(404);
        assertThat(send("DELETE", LETTERS + "/" + id, other.apiKey(), null).status()).isEqualTo(404);

        assertThat(get(LETTERS, owner.apiKey()).json().path("dead_letters")).hasSize(1);
        assertThat(scheduled("job_9_9")).as("nothing was replayed").isFalse();
        assertThat(get(LETTERS, null).status()).isEqualTo(401);
    }

    @Test
    void replaySchedulesTheWebhookAgainAndRemovesTheLetter() {
        TestTenant tenant = newTenant();
        String jobId = "job_" + System.nanoTime() + "_7";
        String id = letter(tenant, jobId, 500, "receiver answered 500");

        Reply replay = post(LETTERS + "/" + id + "/replay", tenant.apiKey(), null);
        assertThat(replay.status()).as(replay.toString()).isEqualTo(202);
        assertThat(replay.text("status")).isEqualTo("replaying");
        assertThat(replay.text("job_id")).isEqualTo(jobId);

        assertThat(get(LETTERS, tenant.apiKey()).json().path("dead_letters")).isEmpty();
        assertThat(scheduled(jobId)).as("due for a dispatcher to pick up").isTrue();
        Reply status = get("/api/v1/jobs/" + jobId + "/deliveries", tenant.apiKey());
        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        assertThat(status.json().path("webhooks").get(0).path("state").asString()).isEqualTo("pending");
        assertThat(status.json().path("webhooks").get(0).path("attempts").asInt()).isZero();
        assertThat(post(LETTERS + "/" + id + "/replay", tenant.apiKey(), null).status()).as("replayed once").isEqualTo(404);
    }

    @Test
    void aLetterCanBeDiscarded() {
        TestTenant tenant = newTenant();
        String id = letter(tenant, "job_5_5", 410, "receiver answered 410");

        assertThat(send("DELETE", LETTERS + "/" + id, tenant.apiKey(), null).status()).isEqualTo(200);
        assertThat(get(LETTERS + "/" + id, tenant.apiKey()).status()).isEqualTo(404);
    }

    @Test
    void badPagingIsRefused() {
        TestTenant tenant = newTenant();
        assertThat(get(LETTERS + "?limit=0", tenant.apiKey()).status()).isEqualTo(400);
        assertThat(get(LETTERS + "?before=nonsense", tenant.apiKey()).status()).isEqualTo(400);
        assertThat(get(LETTERS + "/nonsense", tenant.apiKey()).status()).isEqualTo(404);
    }

    private String letter(TestTenant tenant, String jobId, int status, String error) {
        DeadLetter letter = new DeadLetter(null, tenant.id(), jobId, 0, "https://hooks.example.com/" + jobId, true,
                Surface.CLOUD, 27, 1_000, 2_000, status, error, "{\"job_id\":\"" + jobId + "\",\"status\":\"success\"}");
        return letters.add(letter, 100, Duration.ofDays(1)).block(WAIT);
    }

    private boolean scheduled(String jobId) {
        List<String> due = List.copyOf(redisson.<String>getScoredSortedSet(keys.deliveryDue(DeliveryShards.of(jobId)),
                StringCodec.INSTANCE).readAll());
        return due.contains(jobId + "#0");
    }
}
