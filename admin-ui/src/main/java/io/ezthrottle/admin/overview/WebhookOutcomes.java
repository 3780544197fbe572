package io.ezthrottle.admin.overview;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

import io.ezthrottle.admin.AdminProperties;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.delivery.DeliveryView;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Webhook success, measured on the deliveries of finished jobs (the same sample the completed/failed split reads),
 * looked at {@code webhookDelay} after each job finished so the dispatcher had time for its first attempts. Each
 * webhook that answered 2xx is one success; every attempt the dispatcher recorded is one attempt. The webhook
 * service keeps its own exact counters in Micrometer; this view needs nothing but Redis, so it works the same in the
 * single-process launcher and with any number of replicas.
 */
@Component
class WebhookOutcomes {

    private final DeliveryStore deliveries;
    private final Clock clock;
    private final long delayMillis;
    private final ArrayBlockingQueue<Probe> due;

    WebhookOutcomes(DeliveryStore deliveries, Clock clock, AdminProperties properties) {
        this.deliveries = deliveries;
        this.clock = clock;
        this.delayMillis = properties.overview().webhookDelay().toMillis();
        // a few intervals' worth of samples; more is dropped rather than kept in memory
        this.due = new ArrayBlockingQueue<>(properties.overview().classifySample() * 8);
    }

    /** Remembers finished jobs to look at later. */
    void watch(List<String> jobIds) {
        long at = clock.millis() + delayMillis;
        jobIds.forEach(id -> due.offer(new Probe(id, at)));
    }

    /** Looks at the deliveries that are due now. */
    Mono<Tally> check() {
        long now = clock.millis();
        List<String> ready = new ArrayList<>();
        Probe head;
        while ((head = due.peek()) != null && head.at() <= now) {
            Probe p = due.poll();
            if (p != null) {
                ready.add(p.jobId());
            }
        }
        return Flux.fromIterable(ready)
                .flatMap(deliveries::view, 16)
                .reduce(new Tally(0, 0), (t, view) -> t.plus(tally(view)));
    }

    private static Tally tally(DeliveryView view) {
        long delivered = 0;
        long attempts = 0;
        for (DeliveryView.TargetView target : view.targets()) {
            attempts += target.attempts();
            if ("delivered".equals(target.state())) {
                delivered++;
            }
        }
        return new Tally(delivered, attempts);
    }

    private record Probe(String jobId, long at) {
    }

    /** Webhooks delivered and attempts made. */
    record Tally(long delivered, long attempts) {
        Tally plus(Tally other) {
            return new Tally(delivered + other.delivered, attempts + other.attempts);
        }
    }
}
