package io.ezthrottle.webhook.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.ezthrottle.core.delivery.StreamHandoff;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import io.ezthrottle.webhook.DeliveryIntegrationSupport;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.api.stream.StreamMessageId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The dispatcher's side of stream mode (compat-protocol §1.7): while a live stream carries a job's outcome, its result
 * entry is held (read, not acknowledged, nothing sent); when the stream delivered the end, the entry is dropped on its
 * next look and no webhook is ever sent; when the stream hands the outcome back, the webhook goes out exactly once.
 * The test plays the API replica serving the stream through the shared handoff state in Redis.
 */
@TestPropertySource(properties = DeliveryIntegrationSupport.PATIENT)
class StreamModeDeliveryIntegrationTests extends DeliveryIntegrationSupport {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Autowired
    RedissonReactiveClient redis;
    @Autowired
    RedisKeys keys;

    @Test
    void aHeldResultHandedBackIsDeliveredOnceAndTheHeldEntryIsThenDropped() {
        StreamHandoff handoff = new StreamHandoff(redis, keys);
        try (HttpStub receiver = new HttpStub()) {
            String jobId = ids.next();
            createFinishedJob(jobId, job(receiver));
            assertThat(handoff.open(jobId, LEASE).block(WAIT)).isTrue();
            StreamMessageId entry = streams.publishResult(jobId).block(WAIT);

            awaitPending(entry, true);
            Await.until(() -> "1".equals(handoffField(jobId, "held")), WAIT, () -> "the dispatcher to hold the result");
            assertThat(view(jobId)).as("nothing planned while the stream carries the outcome").isNull();
            assertThat(receiver.count()).isZero();

            // The client left before the end reached it: the API hands the outcome back by publishing it again.
            assertThat(handoff.abandon(jobId).block(WAIT)).isTrue();
            streams.publishResult(jobId).block(WAIT);
            receiver.awaitCount(1, WAIT);
            awaitStatus(jobId, "delivered");

            // The held entry is reclaimed (reclaim-idle 2 s), found already planned and acknowledged: the one
            // delivery stays as it was (on a loaded box an attempt outliving its 2 s lease may be sent twice, which
            // is the dispatcher's at-least-once, not a second plan).
            long plannedAt = view(jobId).createdAt();
            awaitPending(entry, false);
            assertThat(view(jobId).createdAt()).isEqualTo(plannedAt);
            assertThat(view(jobId).status().wire()).isEqualTo("delivered");
        }
    }

    @Test
    void aResultTheStreamDeliveredIsNeverSentAsAWebhook() {
        StreamHandoff handoff = new StreamHandoff(redis, keys);
        try (HttpStub receiver = new HttpStub()) {
            String jobId = ids.next();
            createFinishedJob(jobId, job(receiver));
            assertThat(handoff.open(jobId, LEASE).block(WAIT)).isTrue();
            StreamMessageId entry = streams.publishResult(jobId).block(WAIT);
            awaitPending(entry, true);
            Await.until(() -> "1".equals(handoffField(jobId, "held")), WAIT, () -> "the dispatcher to hold the result");

            assertThat(handoff.streamed(jobId, Duration.ofMinutes(5)).block(WAIT)).isTrue();
            awaitPending(entry, false);
            assertThat(receiver.count()).isZero();
            assertThat(view(jobId)).isNull();
            // A worker publishing the same result again changes nothing.
            StreamMessageId again = streams.publishResult(jobId).block(WAIT);
            Await.until(() -> !entryExists(again), WAIT, () -> "the repeated entry to be handled");
            assertThat(receiver.count()).isZero();
        }
    }

    private static String job(HttpStub receiver) {
        return "{\"url\": \"https://api.example.com/x\", \"webhooks\": [{\"url\": \"" + receiver.url() + "/hook\"}]}";
    }

    /** Whether the dispatcher has read the entry and not acknowledged it (held). */
    private void awaitPending(StreamMessageId entry, boolean pending) {
        Await.until(() -> isPending(entry) == pending, WAIT, () -> "entry " + entry + " pending=" + pending);
    }

    private boolean isPending(StreamMessageId entry) {
        return !streams.results().listPending(StreamGroups.WEBHOOKS, entry, entry, 1).defaultIfEmpty(java.util.List.of()).block(WAIT).isEmpty();
    }

    /** A field of the job's stream-mode hash, as the dispatcher's planning script leaves it. */
    private String handoffField(String jobId, String field) {
        String key = keys.delivery(io.ezthrottle.core.delivery.DeliveryShards.of(jobId), jobId) + ":stream";
        return redis.<String, String>getMap(key, org.redisson.client.codec.StringCodec.INSTANCE).get(field).block(WAIT);
    }

    private boolean entryExists(StreamMessageId entry) {
        return !streams.results().range(entry, entry).defaultIfEmpty(java.util.Map.of()).block(WAIT).isEmpty();
    }
}
