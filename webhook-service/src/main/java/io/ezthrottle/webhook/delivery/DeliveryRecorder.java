package io.ezthrottle.webhook.delivery;

import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.delivery.DeliveryStore.Outcome;
import io.ezthrottle.core.delivery.DeliveryStore.RecordResult;
import io.ezthrottle.webhook.WebhookProperties;
import io.ezthrottle.core.redis.Coalescer;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Records attempt outcomes, coalescing those of one shard that finish while a record call is in flight into the
 * next call: under load one script call records many attempts.
 */
@Component
public class DeliveryRecorder {

    private static final int MAX_BATCH = 128;

    private final Coalescer<Integer, Outcome, RecordResult> coalescer;

    public DeliveryRecorder(DeliveryStore store, WebhookProperties properties) {
        DeliveryStore.Lifetimes lifetimes = new DeliveryStore.Lifetimes(properties.activeRetention(), properties.finishedRetention());
        this.coalescer = new Coalescer<>(MAX_BATCH, (shard, outcomes) -> store.recordAll(shard, outcomes, lifetimes));
    }

    public Mono<RecordResult> record(Outcome outcome) {
        return coalescer.submit(outcome.ref().shard(), outcome);
    }
}
