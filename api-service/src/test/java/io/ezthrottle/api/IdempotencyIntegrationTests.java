package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.ezthrottle.core.tenant.ApiKeys;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Idempotency (compat-protocol §4) under real concurrency: 50 identical submissions in flight at once, through a
 * reactive client, make exactly one job, one queue entry and one counted request.
 */
class IdempotencyIntegrationTests extends ApiIntegrationSupport {

    private static final String JOBS = "/api/v1/jobs";
    private static final int CLIENTS = 50;

    @Test
    void fiftyConcurrentSubmissionsWithOneKeyMakeExactlyOneJob() {
        TestTenant tenant = newTenant();
        String body = """
                {"url": "https://api.example.com/fifty/%s", "method": "POST", "body": "{}",
                 "idempotent_key": "fifty-%s"}""".formatted(unique(), unique());

        assertExactlyOneJob(tenant, body);
    }

    @Test
    void fiftyConcurrentKeylessIdenticalSubmissionsMakeExactlyOneJob() {
        // the SDKs' default HASH strategy: no key, the server derives one from tenant + method + url + body
        TestTenant tenant = newTenant();
        String body = """
                {"url": "https://api.example.com/fifty-hash/%s?x=1", "method": "PUT", "body": "same"}""".formatted(unique());

        List<Reply> replies = assertExactlyOneJob(tenant, body);

        assertThat(replies).extracting(r -> r.text("idempotent_key")).containsOnly(replies.get(0).text("idempotent_key"));
        assertThat(replies.get(0).text("idempotent_key")).matches("h_[0-9a-f]{64}");
    }

    @Test
    void duplicatesAreNotCountedAndCarryTheOriginalReply() {
        TestTenant tenant = newTenant();
        String body = """
                {"url": "https://api.example.com/counted/%s", "idempotent_key": "counted-%s"}""".formatted(unique(), unique());

        Reply first = post(JOBS, tenant.apiKey(), body);
        for (int i = 0; i < 3; i++) {
            Reply again = post(JOBS, tenant.apiKey(), body);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.text("job_id")).isEqualTo(first.text("job_id"));
        }

        assertThat(first.status()).isEqualTo(201);
        assertThat(get("/api/v1/usage", tenant.apiKey()).json().get("used").asLong()).isEqualTo(1);
    }

    @Test
    void theWindowIsTheQueuedJobLifetimeOf24Hours() {
        // The default window: the key and the job record both live 24 h while the job waits (compat-protocol §4).
        // Expiry itself is shown with a short window in IdempotencyWindowIntegrationTests.
        TestTenant tenant = newTenant();
        String key = "window-" + unique();
        Reply first = post(JOBS, tenant.apiKey(), """
                {"url": "https://api.example.com/window/%s", "idempotent_key": "%s"}""".formatted(unique(), key));

        long keyTtl = redisson.getBucket(keys.idempotency(tenant.id(), ApiKeys.sha256Hex(key)), StringCodec.INSTANCE)
                .remainTimeToLive();
        long recordTtl = redisson.getMap(keys.job(first.text("job_id"))).remainTimeToLive();

        assertThat(Duration.ofMillis(keyTtl)).isBetween(Duration.ofHours(24).minusMinutes(1), Duration.ofHours(24));
        assertThat(Duration.ofMillis(recordTtl)).isBetween(Duration.ofHours(24).minusMinutes(1), Duration.ofHours(24));
    }

    private List<Reply> assertExactlyOneJob(TestTenant tenant, String body) {
        WebClient web = reactiveClient(port);
        long intakeBefore = intakeSize();

        List<Reply> replies = concurrently(CLIENTS, i -> postAsync(web, JOBS, tenant.apiKey(), body));

        assertThat(replies).hasSize(CLIENTS);
        assertThat(replies).extracting(Reply::status).as("%s", replies).containsOnly(200, 201);
        assertThat(replies).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(replies).filteredOn(r -> r.status() == 200)
                .allSatisfy(r -> assertThat(r.json().get("duplicate").asBoolean()).isTrue());
        Set<String> jobIds = replies.stream().map(r -> r.text("job_id")).collect(Collectors.toSet());
        assertThat(jobIds).hasSize(1);
        assertThat(intakeEntriesFor(jobIds.iterator().next())).isEqualTo(1);
        assertThat(intakeSize()).isEqualTo(intakeBefore + 1);
        assertThat(get("/api/v1/usage", tenant.apiKey()).json().get("used").asLong()).isEqualTo(1);
        return replies;
    }
}
