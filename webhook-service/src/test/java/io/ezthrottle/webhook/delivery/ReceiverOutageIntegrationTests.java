package io.ezthrottle.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.ezthrottle.core.delivery.DeliveryPlan;
import io.ezthrottle.core.delivery.DeliveryShards;
import io.ezthrottle.core.delivery.DeliveryView;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import io.ezthrottle.webhook.DeliveryIntegrationSupport;
import org.junit.jupiter.api.Test;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Receivers go down, ask for time, and dispatcher replicas die; every delivery still arrives, once.
 *
 * <p>The outage lasts {@code -Ddelivery.outage} (ISO-8601 duration, default {@code PT2S}; the scenario is
 * {@code PT10S}); the give-up horizon of this context is 30 s.
 */
@TestPropertySource(properties = DeliveryIntegrationSupport.PATIENT)
class ReceiverOutageIntegrationTests extends DeliveryIntegrationSupport {

    private static final Duration OUTAGE = Duration.parse(System.getProperty("delivery.outage", "PT2S"));

    @Autowired
    RedissonClient redisson;
    @Autowired
    RedisKeys keys;

    @Test
    void aReceiverDownForAWhileGetsTheWebhookExactlyOnceWhenBack() {
        try (LateReceiver receiver = new LateReceiver()) {
            String tenant = newTenant();
            setSecrets(tenant, "outage-primary-secret-01", null);
            long downSince = System.currentTimeMillis();
            String jobId = finishJob(tenant, job(receiver.url()));

            // While down, attempts keep failing on schedule and the delivery stays pending.
            Await.until(() -> view(jobId) != null && view(jobId).targets().get(0).attempts() >= 2, WAIT,
                    () -> "failed attempts during the outage: " + view(jobId));
            Await.until(() -> System.currentTimeMillis() - downSince >= OUTAGE.toMillis(), OUTAGE.plusSeconds(5),
                    () -> "outage over");
            assertThat(view(jobId).status().wire()).isEqualTo("pending");
            receiver.start();

            DeliveryView delivered = awaitStatus(jobId, "delivered");
            assertThat(receiver.arrivals()).as("exactly one delivery once the receiver is back").hasSize(1);
            assertThat(delivered.targets().get(0).attempts()).isGreaterThan(2);
            assertThat(scheduled(jobId)).as("nothing left scheduled that could deliver it again").isFalse();
            assertThat(json(receiver.arrivals().get(0).body()).path("job_id").asString()).isEqualTo(jobId);
        }
    }

    @Test
    void retryAfterIsHonouredForTheWebhookAndItsWholeDomain() {
        AtomicInteger calls = new AtomicInteger();
        try (HttpStub receiver = new HttpStub()) {
            receiver.respond(r -> calls.incrementAndGet() == 1
                    ? new HttpStub.Response(429, Map.of("Retry-After", "1"), "{}")
                    : HttpStub.Response.ok("{}"));
            String tenant = newTenant();
            String first = finishJob(tenant, job(receiver.url("/first")));
            HttpStub.Request refused = receiver.awaitCount(1, WAIT).get(0);
            String second = finishJob(tenant, job(receiver.url("/second")));

            awaitStatus(first, "delivered");
            awaitStatus(second, "delivered");
            List<HttpStub.Request> all = receiver.requests();
            assertThat(all).hasSize(3);
            // The schedule alone would retry after 100 ms; the receiver asked for a second, for the whole domain.
            for (HttpStub.Request later : all.subList(1, 3)) {
                assertThat(later.arrivedMillis() - refused.arrivedMillis()).as(later.path()).isGreaterThanOrEqualTo(950);
            }
        }
    }

    @Test
    void anAttemptClaimedByAReplicaThatDiedIsMadeWhenItsLeaseEnds() {
        try (HttpStub receiver = new HttpStub()) {
            String jobId = ids.next();
            DeliveryPlan plan = new DeliveryPlan(jobId, newTenant(), Surface.CLOUD, "{\"job_id\":\"" + jobId + "\"}", 1,
                    List.of(new DeliveryPlan.Target(receiver.url("/hook"), true)));
            long claimed = System.currentTimeMillis();
            // This "replica" plans and claims the attempt for one second, then never makes it.
            assertThat(deliveries.plan(plan, Duration.ofSeconds(1), Duration.ofMinutes(5)).block(Duration.ofSeconds(5))).hasSize(1);

            HttpStub.Request hook = receiver.awaitCount(1, WAIT).get(0);
            assertThat(hook.arrivedMillis() - claimed).isGreaterThanOrEqualTo(900);
            assertThat(awaitStatus(jobId, "delivered").targets().get(0).attempts()).isEqualTo(1);
        }
    }

    @Test
    void aResultReadByAReplicaThatDiedIsTakenOverAndDelivered() {
        try (HttpStub receiver = new HttpStub()) {
            String jobId = ids.next();
            createFinishedJob(jobId, job(receiver.url("/hook")));
            // A replica reads the result and dies before planning it. Publishing and reading happen in one script so
            // the running dispatcher (blocked on the stream) cannot take the entry first.
            String entry = redisson.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, """
                    local id = redis.call('XADD', KEYS[1], '*', ARGV[1], ARGV[2])
                    redis.call('XREADGROUP', 'GROUP', ARGV[3], ARGV[4], 'COUNT', 1, 'STREAMS', KEYS[1], '>')
                    return id
                    """, RScript.ReturnType.STRING, List.of(keys.resultStream()), StreamGroups.JOB_ID, jobId,
                    StreamGroups.WEBHOOKS, "replica-that-died");
            assertThat(entry).isNotBlank();

            HttpStub.Request hook = receiver.awaitCount(1, WAIT).get(0);
            assertThat(json(hook.body()).path("job_id").asString()).isEqualTo(jobId);
            awaitStatus(jobId, "delivered");
        }
    }

    /** Whether the job's webhook still has an entry in its shard's schedule. */
    private boolean scheduled(String jobId) {
        return redisson.getScoredSortedSet(keys.deliveryDue(DeliveryShards.of(jobId)), StringCodec.INSTANCE)
                .contains(jobId + "#0");
    }

    private static String job(String webhook) {
        return """
                {"url": "https://api.example.com/x", "webhooks": [{"url": "%s"}]}
                """.formatted(webhook);
    }
}
