package io.ezthrottle.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.ezthrottle.core.delivery.DeliveryStore.Lifetimes;
import io.ezthrottle.core.delivery.DeliveryStore.Outcome;
import io.ezthrottle.core.delivery.DeliveryStore.RecordResult;
import io.ezthrottle.core.job.Surface;
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
 * The delivery scripts in a real Redis, one decision at a time: planning once, the quorum (met, cancelling the
 * other voters but not the non-voting webhooks; failed by dead letters), retries, stale and expired outcomes,
 * several outcomes of one delivery recorded by one call, and the lifetime a delivery gets once nothing is pending.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryStoreIntegrationTests {

    private static final Duration T = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Lifetimes LIFETIMES = new Lifetimes(Duration.ofHours(72), Duration.ofMinutes(10));

    private RedissonClient redisson;
    private RedisKeys keys;
    private DeliveryStore store;
    private StreamHandoff handoff;

    @BeforeAll
    void connect() {
        redisson = RedisClientFactory.create(RedisTestServer.shared().url(), 4, config -> config.setUseScriptCache(true));
        keys = new RedisKeys("tst-" + UUID.randomUUID());
        store = new DeliveryStore(redisson.reactive(), keys);
        handoff = new StreamHandoff(redisson.reactive(), keys);
    }

    @AfterAll
    void disconnect() {
        redisson.shutdown();
    }

    private static String jobId() {
        return "job_1_" + UUID.randomUUID().toString().replace("-", "");
    }

    private static DeliveryPlan plan(String jobId, int quorum, DeliveryPlan.Target... targets) {
        return new DeliveryPlan(jobId, "tenant-a", Surface.CLOUD, "{\"job_id\":\"" + jobId + "\"}", quorum, List.of(targets));
    }

    private static DeliveryPlan.Target voter(int i) {
        return new DeliveryPlan.Target("https://hooks.example.com/" + i, true);
    }

    private static DeliveryPlan.Target bystander(int i) {
        return new DeliveryPlan.Target("https://audit.example.com/" + i, false);
    }

    private Map<String, String> hash(String jobId) {
        return redisson.<String, String>getMap(keys.delivery(DeliveryShards.of(jobId), jobId), StringCodec.INSTANCE).readAllMap();
    }

    private long ttlMillis(String jobId) {
        return redisson.getKeys().remainTimeToLive(keys.delivery(DeliveryShards.of(jobId), jobId));
    }

    private Double score(AttemptRef ref) {
        return redisson.<String>getScoredSortedSet(keys.deliveryDue(ref.shard()), StringCodec.INSTANCE).getScore(ref.member());
    }

    private RecordResult record(Outcome outcome) {
        return store.record(outcome, LIFETIMES).block(T);
    }

    @Test
    void aPlanCreatesTheDeliveryOnceWithEveryWebhookLeasedToThePlanner() {
        String id = jobId();
        DeliveryPlan plan = plan(id, 1, voter(0), bystander(1));

        List<PendingAttempt> first = store.plan(plan, LEASE, LIFETIMES.active()).block(T);
        List<PendingAttempt> again = store.plan(plan, LEASE, LIFETIMES.active()).block(T);

        assertThat(first).extracting(PendingAttempt::ref).containsExactly(new AttemptRef(id, 0), new AttemptRef(id, 1));
        assertThat(first.get(0).firstAt()).isPositive();
        assertThat(first.get(1).vote()).isFalse();
        assertThat(again).isEmpty();
        Map<String, String> h = hash(id);
        assertThat(h).containsEntry("n", "2").containsEntry("needed", "1").containsEntry("voting", "1")
                .containsEntry("status", "pending").containsEntry("t0.state", "pending").containsEntry("t1.vote", "0")
                .containsEntry("t1.attempts", "0").containsEntry("body", plan.body());
        assertThat(score(new AttemptRef(id, 1))).isGreaterThan(first.get(0).firstAt() + LEASE.toMillis() - 1000);
        assertThat(ttlMillis(id)).isGreaterThan(LIFETIMES.finished().toMillis());
    }

    @Test
    void plansOfOneShardInOneCallAnswerInOrderAndAStreamedJobIsHeld() {
        String streamed = jobId();
        int shard = DeliveryShards.of(streamed);
        String fresh = jobIdIn(shard);
        String known = jobIdIn(shard);
        store.plan(plan(known, 1, voter(0)), LEASE, LIFETIMES.active()).block(T);
        assertThat(handoff.open(streamed, LEASE).block(T)).isTrue();

        List<Planned> planned = store.planAll(shard, List.of(plan(streamed, 1, voter(0)), plan(fresh, 1, voter(0), voter(1)),
                plan(known, 1, voter(0))), LEASE, LIFETIMES.active()).block(T);

        assertThat(planned.get(0).held()).isTrue();
        assertThat(planned.get(1).attempts()).hasSize(2);
        assertThat(planned.get(2).held()).isFalse();
        assertThat(planned.get(2).attempts()).isEmpty();
        assertThat(hash(streamed)).isEmpty();
    }

    private static String jobIdIn(int shard) {
        String id;
        do {
            id = jobId();
        } while (DeliveryShards.of(id) != shard);
        return id;
    }

    @Test
    void theQuorumCancelsTheOtherVotersButNotTheBystanders() {
        String id = jobId();
        store.plan(plan(id, 1, voter(0), voter(1), bystander(2)), LEASE, LIFETIMES.active()).block(T);

        RecordResult result = record(Outcome.delivered(new AttemptRef(id, 0), 200));

        assertThat(result).isEqualTo(new RecordResult("ok", DeliveryStatus.DELIVERED));
        Map<String, String> h = hash(id);
        assertThat(h).containsEntry("votes", "1").containsEntry("t0.state", "delivered").containsEntry("t0.attempts", "1")
                .containsEntry("t0.counted", "1").containsEntry("t0.last_status", "200").containsEntry("t1.state", "cancelled")
                .containsEntry("t1.next_at", "0").containsEntry("t2.state", "pending").containsKey("delivered_at")
                .containsKey("body").doesNotContainKey("finished_at");
        assertThat(score(new AttemptRef(id, 0))).isNull();
        assertThat(score(new AttemptRef(id, 1))).isNull();
        assertThat(score(new AttemptRef(id, 2))).isNotNull();
        assertThat(record(Outcome.delivered(new AttemptRef(id, 1), 200)).result()).isEqualTo("stale");

        assertThat(record(Outcome.delivered(new AttemptRef(id, 2), 204))).isEqualTo(new RecordResult("ok", DeliveryStatus.DELIVERED));
        Map<String, String> done = hash(id);
        assertThat(done).containsEntry("votes", "1").containsKey("finished_at").doesNotContainKey("body");
        assertThat(ttlMillis(id)).isBetween(1L, LIFETIMES.finished().toMillis());
        assertThat(score(new AttemptRef(id, 2))).isNull();
    }

    @Test
    void aRetryCountsTheAttemptAndSchedulesTheNext() {
        String id = jobId();
        AttemptRef ref = new AttemptRef(id, 0);
        long firstAt = store.plan(plan(id, 1, voter(0)), LEASE, LIFETIMES.active()).block(T).get(0).firstAt();

        record(Outcome.retry(ref, 503, "upstream busy", Duration.ofSeconds(5)));
        RecordResult second = record(Outcome.retry(ref, 0, "connection refused", Duration.ofSeconds(20)));

        assertThat(second).isEqualTo(new RecordResult("ok", DeliveryStatus.PENDING));
        Map<String, String> h = hash(id);
        assertThat(h).containsEntry("t0.attempts", "2").containsEntry("t0.last_status", "0")
                .containsEntry("t0.last_error", "connection refused").containsEntry("t0.state", "pending")
                .doesNotContainKey("finished_at");
        long nextAt = Long.parseLong(h.get("t0.next_at"));
        assertThat(nextAt).isGreaterThanOrEqualTo(firstAt + 20_000);
        assertThat(score(ref)).isEqualTo((double) nextAt);
        assertThat(ttlMillis(id)).isGreaterThan(LIFETIMES.finished().toMillis());
    }

    @Test
    void deadLettersFailTheQuorumOnceItCannotBeMet() {
        String id = jobId();
        store.plan(plan(id, 2, voter(0), voter(1), voter(2)), LEASE, LIFETIMES.active()).block(T);

        RecordResult one = record(Outcome.dead(new AttemptRef(id, 0), 500, "gave up", "dl-1"));
        RecordResult two = record(Outcome.dead(new AttemptRef(id, 1), 0, "gave up", "dl-2"));

        assertThat(one).isEqualTo(new RecordResult("ok", DeliveryStatus.PENDING));
        assertThat(two).isEqualTo(new RecordResult("ok", DeliveryStatus.FAILED));
        Map<String, String> h = hash(id);
        assertThat(h).containsEntry("dead_votes", "2").containsEntry("t0.dead_letter", "dl-1").containsEntry("t1.state", "dead")
                .containsEntry("t2.state", "pending").doesNotContainKey("finished_at");

        record(Outcome.delivered(new AttemptRef(id, 2), 200));
        assertThat(hash(id)).containsEntry("status", "failed").containsEntry("votes", "1").containsKey("finished_at");
        assertThat(ttlMillis(id)).isBetween(1L, LIFETIMES.finished().toMillis());
    }

    @Test
    void outcomesOfOneDeliveryRecordedTogetherSeeEachOther() {
        String id = jobId();
        int shard = DeliveryShards.of(id);
        store.plan(plan(id, 1, voter(0), bystander(1)), LEASE, LIFETIMES.active()).block(T);
        AttemptRef voter = new AttemptRef(id, 0);
        AttemptRef bystander = new AttemptRef(id, 1);

        List<RecordResult> results = store.recordAll(shard, List.of(
                Outcome.retry(voter, 500, "oops", Duration.ofSeconds(5)),
                Outcome.delivered(voter, 200),
                Outcome.delivered(voter, 200),
                Outcome.retry(bystander, 500, "oops", Duration.ofSeconds(5)),
                Outcome.dead(bystander, 500, "gave up", "dl-9")), LIFETIMES).block(T);

        assertThat(results).extracting(RecordResult::result).containsExactly("ok", "ok", "stale", "ok", "ok");
        assertThat(results.get(4).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(hash(id)).containsEntry("t0.attempts", "2").containsEntry("votes", "1").containsEntry("t1.attempts", "2")
                .containsEntry("t1.state", "dead").containsKey("finished_at").doesNotContainKey("body");
        assertThat(score(voter)).isNull();
        assertThat(score(bystander)).isNull();
    }

    @Test
    void anOutcomeForAnExpiredDeliveryIsGoneAndLeavesTheSchedule() {
        String id = jobId();
        AttemptRef ref = new AttemptRef(id, 0);
        store.plan(plan(id, 1, voter(0)), LEASE, LIFETIMES.active()).block(T);
        redisson.getKeys().delete(keys.delivery(ref.shard(), id));

        assertThat(record(Outcome.delivered(ref, 200)).result()).isEqualTo("gone");
        assertThat(score(ref)).isNull();
    }

    @Test
    void aReplayedDeadLetterIsPendingAgainAndCanMeetTheQuorum() {
        String id = jobId();
        AttemptRef ref = new AttemptRef(id, 0);
        DeliveryPlan plan = plan(id, 1, voter(0));
        store.plan(plan, LEASE, LIFETIMES.active()).block(T);
        assertThat(record(Outcome.dead(ref, 500, "gave up", "dl-1")).status()).isEqualTo(DeliveryStatus.FAILED);

        DeliveryStatus replayed = store.replay(new DeadLetter("dl-1", "tenant-a", id, 0, voter(0).url(), true, Surface.CLOUD,
                3, 1L, 2L, 500, "gave up", plan.body()), LIFETIMES.active()).block(T);

        assertThat(replayed).isEqualTo(DeliveryStatus.PENDING);
        assertThat(hash(id)).containsEntry("t0.state", "pending").containsEntry("t0.attempts", "0").containsKey("body")
                .doesNotContainKey("finished_at");
        assertThat(record(Outcome.delivered(ref, 200)).status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(hash(id)).containsKey("finished_at").doesNotContainKey("body");
    }
}
