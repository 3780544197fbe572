package io.ezthrottle.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.ezthrottle.core.job.JobRetention;
import io.ezthrottle.core.redis.RedisClientFactory;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The attempt ledger's scripts in a real Redis: who wins a race, when a job with several attempts ends, what outcome
 * it reports, and which lifetime its record gets (completed 30 s here, failed 2 h, queued 24 h, so they differ).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttemptLedgerIntegrationTests {

    private static final Duration T = Duration.ofSeconds(10);
    private static final JobRetention RETENTION =
            new JobRetention(Duration.ofHours(24), Duration.ofSeconds(30), Duration.ofHours(2));
    private static final AttemptId IAD = new AttemptId(0, "iad");
    private static final AttemptId LAX = new AttemptId(0, "lax");
    private static final AttemptId PRIMARY = new AttemptId(0, AttemptId.ANY_REGION);
    private static final AttemptId FALLBACK = new AttemptId(1, AttemptId.ANY_REGION);

    private RedissonClient redisson;
    private RedisKeys keys;
    private AttemptLedger ledger;

    @BeforeAll
    void connect() {
        redisson = RedisClientFactory.create(RedisTestServer.shared().url(), 4);
        keys = new RedisKeys("tst-" + UUID.randomUUID());
        ledger = new AttemptLedger(redisson.reactive(), keys, RETENTION, Clock.systemUTC());
    }

    @AfterAll
    void disconnect() {
        redisson.shutdown();
    }

    /** A queued job record with the given attempts registered and claimed (as workers would). */
    private String job(AttemptId... attempts) {
        String id = "job_1_" + UUID.randomUUID().toString().replace("-", "");
        var hash = redisson.<String, String>getMap(keys.job(id), StringCodec.INSTANCE);
        hash.putAll(Map.of("state", "queued", "spec", "{}", "created_at", "1"));
        hash.expire(RETENTION.queued());
        for (AttemptId a : attempts) {
            assertThat(ledger.start(id, a).block(T)).isZero();
            assertThat(ledger.claim(new QueueEntry(id, a, 0), a.region() + "-worker", null).block(T))
                    .isEqualTo(AttemptLedger.Claim.CLAIMED);
        }
        return id;
    }

    private static Map<String, String> outcome(int status, String error) {
        Map<String, String> f = new HashMap<>();
        f.put("response", "{\"status_code\":" + status + "}");
        f.put("status_code", Integer.toString(status));
        if (error != null) {
            f.put("error", error);
        }
        return f;
    }

    private Map<String, String> hash(String id) {
        return redisson.<String, String>getMap(keys.job(id), StringCodec.INSTANCE).readAllMap();
    }

    private long ttl(String id) {
        return redisson.getKeys().remainTimeToLive(keys.job(id));
    }

    @Test
    void theFirstSuccessOfARaceWinsAndTheSecondChangesNothing() {
        String id = job(IAD, LAX);
        assertThat(ledger.succeed(new QueueEntry(id, LAX, 0), outcome(200, null)).block(T)).isTrue();
        assertThat(ledger.succeed(new QueueEntry(id, IAD, 0), outcome(201, null)).block(T)).isFalse();
        assertThat(hash(id)).containsEntry("state", "completed").containsEntry("won_attempt", "0@lax")
                .containsEntry("status_code", "200").containsEntry("a:0@iad", "done");
        assertThat(ttl(id)).isBetween(1L, RETENTION.completed().toMillis());
    }

    @Test
    void aJobEndsOnlyWhenItsLastAttemptEnds() {
        String id = job(IAD, LAX);
        assertThat(ledger.endAttempt(new QueueEntry(id, IAD, 0), "failed", outcome(500, "upstream answered 500")).block(T))
                .isEqualTo(AttemptLedger.End.WAITING);
        assertThat(ledger.endAttempt(new QueueEntry(id, LAX, 0), "failed", outcome(502, "upstream answered 502")).block(T))
                .isEqualTo(AttemptLedger.End.JOB_FAILED);
        assertThat(hash(id)).containsEntry("state", "failed").containsEntry("error", "upstream answered 502");
        assertThat(ttl(id)).isGreaterThan(RETENTION.failed().toMillis() - 60_000);
    }

    @Test
    void aFanoutCompletedByItsLastAttemptKeepsTheSuccessAndTheCompletedLifetime() {
        String id = job(IAD, LAX);
        assertThat(ledger.endAttempt(new QueueEntry(id, IAD, 0), "done", outcome(200, null)).block(T))
                .isEqualTo(AttemptLedger.End.WAITING);
        // The other region fails afterwards: the job still reports the success.
        assertThat(ledger.endAttempt(new QueueEntry(id, LAX, 0), "failed", outcome(400, "upstream answered 400")).block(T))
                .isEqualTo(AttemptLedger.End.JOB_COMPLETED);
        assertThat(hash(id)).containsEntry("state", "completed").containsEntry("status_code", "200")
                .containsEntry("response", "{\"status_code\":200}").doesNotContainKey("error")
                .containsEntry("a:0@lax", "failed");
        assertThat(ttl(id)).isBetween(1L, RETENTION.completed().toMillis());
    }

    @Test
    void aFanoutWhoseFirstAttemptFailedReportsTheLaterSuccess() {
        String id = job(IAD, LAX);
        ledger.endAttempt(new QueueEntry(id, IAD, 0), "failed", outcome(503, "upstream answered 503")).block(T);
        assertThat(ledger.endAttempt(new QueueEntry(id, LAX, 0), "done", outcome(200, null)).block(T))
                .isEqualTo(AttemptLedger.End.JOB_COMPLETED);
        assertThat(hash(id)).containsEntry("status_code", "200").doesNotContainKey("error");
        assertThat(ttl(id)).isBetween(1L, RETENTION.completed().toMillis());
    }

    @Test
    void aFallbackSuccessClearsThePrimarysFailureReason() {
        String id = job(PRIMARY);
        ledger.start(id, FALLBACK).block(T);
        assertThat(ledger.endAttempt(new QueueEntry(id, PRIMARY, 0), "failed", outcome(500, "upstream answered 500")).block(T))
                .isEqualTo(AttemptLedger.End.WAITING);
        assertThat(ledger.claim(new QueueEntry(id, FALLBACK, 0), "w", null).block(T)).isEqualTo(AttemptLedger.Claim.CLAIMED);
        assertThat(ledger.succeed(new QueueEntry(id, FALLBACK, 0), outcome(200, null)).block(T)).isTrue();
        assertThat(hash(id)).containsEntry("state", "completed").containsEntry("status_code", "200").doesNotContainKey("error");
    }

    @Test
    void staleAndFinishedEntriesAreNotClaimed() {
        String id = job(PRIMARY);
        QueueEntry first = new QueueEntry(id, PRIMARY, 0);
        assertThat(ledger.requeue(first, 1).block(T)).isTrue();
        assertThat(ledger.claim(first, "w", null).block(T)).as("older epoch").isEqualTo(AttemptLedger.Claim.STALE);
        QueueEntry retry = new QueueEntry(id, PRIMARY, 1);
        assertThat(ledger.claim(retry, "w", null).block(T)).isEqualTo(AttemptLedger.Claim.CLAIMED);
        assertThat(ledger.claim(retry, "w", null).block(T)).as("its own claim again (the first reply was lost)")
                .isEqualTo(AttemptLedger.Claim.CLAIMED);
        assertThat(ledger.claim(retry, "other", null).block(T)).as("already dispatching").isEqualTo(AttemptLedger.Claim.STALE);
        assertThat(ledger.claim(retry, "other", "w").block(T)).as("taken over from a dead owner")
                .isEqualTo(AttemptLedger.Claim.CLAIMED);
        assertThat(ledger.failJob(id, Map.of("error", "on_failure_timeout_ms elapsed")).block(T)).isTrue();
        assertThat(ledger.failJob(id, Map.of("error", "again")).block(T)).isFalse();
        assertThat(ledger.claim(retry, "w", null).block(T)).isEqualTo(AttemptLedger.Claim.TERMINAL);
        assertThat(ledger.succeed(retry, outcome(200, null)).block(T)).as("a late success after the deadline").isFalse();
        assertThat(hash(id)).containsEntry("state", "failed").containsEntry("error", "on_failure_timeout_ms elapsed");
        assertThat(ttl(id)).isGreaterThan(RETENTION.failed().toMillis() - 60_000);
    }

    @Test
    void everyTryOfAnAttemptKeepsWhatItGot() {
        String id = job(PRIMARY); // claims the first try
        QueueEntry first = new QueueEntry(id, PRIMARY, 0);
        assertThat(ledger.requeue(first, 1, "503").block(T)).isTrue();
        QueueEntry second = new QueueEntry(id, PRIMARY, 1);
        assertThat(ledger.claim(second, "w", null).block(T)).isEqualTo(AttemptLedger.Claim.CLAIMED);
        assertThat(ledger.requeue(second, 2, "error: connection refused").block(T)).isTrue();
        QueueEntry third = new QueueEntry(id, PRIMARY, 2);
        assertThat(ledger.claim(third, "w", null).block(T)).isEqualTo(AttemptLedger.Claim.CLAIMED);
        Map<String, String> won = new java.util.HashMap<>(outcome(200, null));
        won.put(AttemptLedger.tryField(third), "200");
        assertThat(ledger.succeed(third, won).block(T)).isTrue();
        assertThat(hash(id)).containsEntry("t:" + PRIMARY + ":0", "503")
                .containsEntry("t:" + PRIMARY + ":1", "error: connection refused")
                .containsEntry("t:" + PRIMARY + ":2", "200")
                .containsEntry("state", "completed");
    }
}
