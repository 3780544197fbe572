package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/jobs} and {@code GET /api/v1/jobs/{id}} as the SDKs rely on them (compat-protocol §1.3, §3,
 * §4): the submission reply, idempotency (client key and server HASH key), the intake stream, status and tenant
 * isolation.
 */
class JobSubmissionIntegrationTests extends ApiIntegrationSupport {

    private static final String JOBS = "/api/v1/jobs";
    private static final String JOB_ID = "job_\\d+_\\d+";
    private static final String HASH_KEY = "h_[0-9a-f]{64}";

    @Test
    void newJobIsAcceptedWith201AndTheDocumentedReply() {
        String key = "custom-key_" + unique();
        long sizeBefore = intakeSize();
        long before = System.currentTimeMillis();

        Reply reply = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "https://api.example.com/orders/%s", "method": "POST", "body": "{\\"a\\":1}",
                 "idempotent_key": "%s"}""".formatted(unique(), key));

        long after = System.currentTimeMillis();
        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.isJson()).as("JSON reply: %s", reply).isTrue();
        assertThat(reply.text("job_id")).matches(JOB_ID);
        assertThat(reply.text("idempotent_key")).isEqualTo(key);
        assertThat(reply.text("status")).isEqualTo("queued");
        JsonNode queuedAt = reply.json().get("queued_at");
        assertThat(queuedAt).isNotNull();
        assertThat(queuedAt.isIntegralNumber()).as("queued_at is an integer: %s", queuedAt).isTrue();
        assertThat(queuedAt.asLong()).isBetween(before - 5_000, after + 5_000);
        // a new job is not a duplicate (omitted or false), and no member Go would mis-decode is added
        assertThat(reply.json().path("duplicate").asBoolean(false)).isFalse();
        assertThat(reply.json().has("executed_locally")).isFalse();
        assertThat(reply.json().has("status_code")).isFalse();
        assertThat(reply.json().has("response_body")).isFalse();

        assertThat(intakeEntriesFor(reply.text("job_id"))).isEqualTo(1);
        assertThat(intakeSize()).isEqualTo(sizeBefore + 1);
    }

    @Test
    void keylessSubmissionGetsAPathSafeServerHashKey() {
        Reply reply = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "https://api.example.com/hash/%s"}""".formatted(unique()));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(201);
        assertThat(reply.text("idempotent_key")).matches(HASH_KEY);
        assertThat(reply.text("job_id")).matches(JOB_ID);
        assertThat(reply.text("status")).isEqualTo("queued");
    }

    @Test
    void raceOverTwoOrMoreRegionsReportsRacing() {
        String base = "https://api.example.com/regions/" + unique();

        Reply implicitRace = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s/1", "regions": ["iad", "lax"]}""".formatted(base));
        Reply explicitRace = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s/2", "regions": ["iad", "lax", "ord"], "execution_mode": "race"}""".formatted(base));
        Reply camelCaseRace = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s/3", "regions": ["iad", "lax"], "executionMode": "race"}""".formatted(base));
        Reply oneRegion = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s/4", "regions": ["iad"], "execution_mode": "race"}""".formatted(base));
        Reply fanout = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s/5", "regions": ["iad", "lax"], "execution_mode": "fanout"}""".formatted(base));

        assertThat(implicitRace.status()).as(implicitRace.toString()).isEqualTo(201);
        assertThat(implicitRace.text("status")).isEqualTo("racing");
        assertThat(explicitRace.status()).as(explicitRace.toString()).isEqualTo(201);
        assertThat(explicitRace.text("status")).isEqualTo("racing");
        assertThat(camelCaseRace.status()).as(camelCaseRace.toString()).isEqualTo(201);
        assertThat(camelCaseRace.text("status")).isEqualTo("racing");
        assertThat(oneRegion.status()).as(oneRegion.toString()).isEqualTo(201);
        assertThat(oneRegion.text("status")).isEqualTo("queued");
        assertThat(fanout.status()).as(fanout.toString()).isEqualTo(201);
        assertThat(fanout.text("status")).isEqualTo("queued");
    }

    @Test
    void duplicateKeyReturnsTheOriginalJobWith200AndQueuesNothingMore() {
        String key = "dup-" + unique();
        String url = "https://api.example.com/dup/" + unique();
        long sizeBefore = intakeSize();

        Reply first = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s", "idempotent_key": "%s"}""".formatted(url, key));
        Reply again = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s", "idempotent_key": "%s"}""".formatted(url, key));
        // the repeat's payload is not compared: the key alone decides (camelCase alias too)
        Reply otherPayload = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s/other", "method": "DELETE", "idempotentKey": "%s"}""".formatted(url, key));

        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        String jobId = first.text("job_id");
        for (Reply dup : new Reply[] {again, otherPayload}) {
            assertThat(dup.status()).as(dup.toString()).isEqualTo(200);
            assertThat(dup.text("job_id")).isEqualTo(jobId);
            assertThat(dup.text("idempotent_key")).isEqualTo(key);
            assertThat(dup.text("status")).isEqualTo(first.text("status"));
            assertThat(dup.json().get("duplicate").isBoolean()).isTrue();
            assertThat(dup.json().get("duplicate").asBoolean()).isTrue();
            assertThat(dup.json().get("queued_at").isIntegralNumber()).isTrue();
            assertThat(dup.json().get("queued_at").asLong()).isEqualTo(first.json().get("queued_at").asLong());
        }

        assertThat(intakeEntriesFor(jobId)).isEqualTo(1);
        assertThat(intakeSize()).isEqualTo(sizeBefore + 1);
    }

    @Test
    void concurrentRepeatsOfOneKeyCreateExactlyOneJob() {
        // an SDK retrying on a timeout can send the same key again while the first request is still in progress
        int clients = 16;
        for (int round = 0; round < 5; round++) {
            String key = "concurrent-" + unique();
            String body = """
                    {"url": "https://api.example.com/concurrent/%s", "idempotent_key": "%s"}""".formatted(unique(), key);
            List<Reply> replies = Flux.range(0, clients)
                    .flatMap(i -> Mono.fromCallable(() -> post(JOBS, BOOTSTRAP_KEY, body))
                            .subscribeOn(Schedulers.boundedElastic()), clients)
                    .collectList()
                    .block(Duration.ofSeconds(60));

            assertThat(replies).hasSize(clients);
            assertThat(replies).extracting(Reply::status).as("%s", replies).containsOnly(200, 201);
            assertThat(replies).filteredOn(r -> r.status() == 201).as("%s", replies).hasSize(1);
            Set<String> jobIds = replies.stream().map(r -> r.text("job_id")).collect(Collectors.toSet());
            assertThat(jobIds).as("job ids handed out for one key").hasSize(1);
            assertThat(intakeEntriesFor(jobIds.iterator().next())).isEqualTo(1);
        }
    }

    @Test
    void keyWhoseJobHasExpiredIsTakenOverByExactlyOneRepeat() {
        String key = "expired-" + unique();
        String body = """
                {"url": "https://api.example.com/expired/%s", "idempotent_key": "%s"}""".formatted(unique(), key);
        Reply original = post(JOBS, BOOTSTRAP_KEY, body);
        assertThat(original.status()).as(original.toString()).isEqualTo(201);
        // the job record expires before its key does (finished jobs live 30 min, keys 24 h): simulate that
        redisson.getKeys().delete(keys.job(original.text("job_id")));

        int clients = 8;
        List<Reply> replies = Flux.range(0, clients)
                .flatMap(i -> Mono.fromCallable(() -> post(JOBS, BOOTSTRAP_KEY, body))
                        .subscribeOn(Schedulers.boundedElastic()), clients)
                .collectList()
                .block(Duration.ofSeconds(60));

        assertThat(replies).filteredOn(r -> r.status() == 201).as("%s", replies).hasSize(1);
        assertThat(replies).extracting(Reply::status).containsOnly(200, 201);
        Set<String> jobIds = replies.stream().map(r -> r.text("job_id")).collect(Collectors.toSet());
        assertThat(jobIds).hasSize(1).doesNotContain(original.text("job_id"));
        String newJob = jobIds.iterator().next();
        assertThat(intakeEntriesFor(newJob)).isEqualTo(1);
        assertThat(get(JOBS + "/" + newJob, BOOTSTRAP_KEY).text("idempotent_key")).isEqualTo(key);
    }

    @Test
    void identicalKeylessSubmissionsShareAJobAndDifferentBodiesDoNot() {
        String url = "https://api.example.com/hash-merge/" + unique();
        long sizeBefore = intakeSize();

        Reply first = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s", "method": "POST", "body": "{\\"n\\":1}"}""".formatted(url));
        Reply same = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s", "method": "POST", "body": "{\\"n\\":1}"}""".formatted(url));
        // headers, webhooks and metadata are not part of the HASH key; a lower-case method is the same method
        Reply sameCall = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s", "method": "post", "body": "{\\"n\\":1}", "headers": {"X-Trace": "t1"},
                 "metadata": {"run": 2}, "webhooks": [{"url": "https://hooks.example.com/w"}]}""".formatted(url));
        Reply otherBody = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s", "method": "POST", "body": "{\\"n\\":2}"}""".formatted(url));

        assertThat(first.status()).as(first.toString()).isEqualTo(201);
        assertThat(first.text("idempotent_key")).matches(HASH_KEY);

        assertThat(same.status()).as(same.toString()).isEqualTo(200);
        assertThat(same.text("job_id")).isEqualTo(first.text("job_id"));
        assertThat(same.text("idempotent_key")).isEqualTo(first.text("idempotent_key"));
        assertThat(same.json().path("duplicate").asBoolean(false)).isTrue();

        assertThat(sameCall.status()).as(sameCall.toString()).isEqualTo(200);
        assertThat(sameCall.text("job_id")).isEqualTo(first.text("job_id"));

        assertThat(otherBody.status()).as(otherBody.toString()).isEqualTo(201);
        assertThat(otherBody.text("job_id")).isNotEqualTo(first.text("job_id"));
        assertThat(otherBody.text("idempotent_key")).matches(HASH_KEY).isNotEqualTo(first.text("idempotent_key"));

        assertThat(intakeEntriesFor(first.text("job_id"))).isEqualTo(1);
        assertThat(intakeEntriesFor(otherBody.text("job_id"))).isEqualTo(1);
        assertThat(intakeSize()).isEqualTo(sizeBefore + 2);
    }

    @Test
    void statusOfAQueuedJob() {
        String url = "https://api.example.com/status/" + unique() + "?q=1";
        String key = "status-" + unique();
        Reply submitted = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s", "method": "put", "body": "payload", "idempotent_key": "%s"}""".formatted(url, key));
        assertThat(submitted.status()).as(submitted.toString()).isEqualTo(201);
        String jobId = submitted.text("job_id");

        Reply status = get(JOBS + "/" + jobId, BOOTSTRAP_KEY);

        assertThat(status.status()).as(status.toString()).isEqualTo(200);
        assertThat(status.isJson()).isTrue();
        assertThat(status.text("job_id")).isEqualTo(jobId);
        assertThat(status.text("status")).isEqualTo("queued");
        assertThat(status.text("url")).isEqualTo(url);
        assertThat(status.text("method")).isEqualTo("PUT");
        assertThat(status.text("idempotent_key")).isEqualTo(key);
    }

    @Test
    void unknownJobIdIs404Json() {
        for (String id : new String[] {"job_1700000000000_" + System.nanoTime(), "no.such.job"}) {
            Reply reply = get(JOBS + "/" + id, BOOTSTRAP_KEY);

            assertThat(reply.status()).as("%s -> %s", id, reply).isEqualTo(404);
            assertThat(reply.isJson()).as(reply.toString()).isTrue();
            assertThat(reply.text("error")).isNotBlank();
        }
    }

    @Test
    void anotherTenantsJobIsInvisibleAndKeysAreScopedPerTenant() {
        TestTenant other = newTenant();
        String key = "shared-key-" + unique();
        String url = "https://api.example.com/tenants/" + unique();
        Reply mine = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "%s", "idempotent_key": "%s"}""".formatted(url, key));
        assertThat(mine.status()).as(mine.toString()).isEqualTo(201);
        String jobId = mine.text("job_id");

        Reply peek = get(JOBS + "/" + jobId, other.apiKey());
        Reply unknown = get(JOBS + "/job_1700000000000_" + System.nanoTime(), other.apiKey());

        assertThat(peek.status()).as(peek.toString()).isEqualTo(404);
        // indistinguishable from a job that does not exist: no oracle for other tenants' ids
        assertThat(peek.json()).isEqualTo(unknown.json());
        assertThat(peek.raw()).doesNotContain(url);
        assertThat(get(JOBS + "/" + jobId, BOOTSTRAP_KEY).status()).isEqualTo(200);

        // the same client key under another tenant is another job, not a duplicate of ours
        Reply theirs = post(JOBS, other.apiKey(), """
                {"url": "%s", "idempotent_key": "%s"}""".formatted(url, key));
        assertThat(theirs.status()).as(theirs.toString()).isEqualTo(201);
        assertThat(theirs.text("job_id")).isNotEqualTo(jobId);
        assertThat(theirs.text("idempotent_key")).isEqualTo(key);
        assertThat(get(JOBS + "/" + theirs.text("job_id"), BOOTSTRAP_KEY).status()).isEqualTo(404);
        assertThat(get(JOBS + "/" + theirs.text("job_id"), other.apiKey()).status()).isEqualTo(200);
    }

    @Test
    void refusedSubmissionDoesNotClaimItsIdempotencyKey() {
        String key = "refused-then-valid-" + unique();

        Reply refused = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "http://127.0.0.1/x", "idempotent_key": "%s"}""".formatted(key));
        Reply accepted = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "https://api.example.com/retry/%s", "idempotent_key": "%s"}""".formatted(unique(), key));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(accepted.status()).as(accepted.toString()).isEqualTo(201);
        assertThat(accepted.json().path("duplicate").asBoolean(false)).isFalse();
        assertThat(intakeEntriesFor(accepted.text("job_id"))).isEqualTo(1);
    }
}
