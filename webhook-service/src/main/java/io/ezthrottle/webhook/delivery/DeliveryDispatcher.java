package io.ezthrottle.webhook.delivery;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.ezthrottle.core.delivery.AttemptRef;
import io.ezthrottle.core.delivery.DeliveryShards;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.delivery.PendingAttempt;
import io.ezthrottle.webhook.WebhookProperties;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs delivery attempts in this replica, at most {@code max-in-flight} at once. Attempts come from two places:
 * the ones this replica claimed while planning a fresh result (attempted at once, which keeps the first delivery
 * fast), and the schedule, polled every {@code claim-interval} for retries that came due and for attempts another
 * replica claimed but never finished. Only as many entries are claimed as there is room for, so a busy replica
 * leaves work in Redis for idle ones.
 */
@Component
public class DeliveryDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryDispatcher.class);

    private final DeliveryStore store;
    private final DeliveryAttempts attempts;
    private final WebhookProperties properties;
    private final InFlightAttempts inFlight;
    private final Sinks.Many<Boolean> wake = Sinks.many().multicast().directBestEffort();
    private final AtomicInteger nextShard = new AtomicInteger();
    private volatile boolean running;
    private Disposable loop;

    public DeliveryDispatcher(DeliveryStore store, DeliveryAttempts attempts, WebhookProperties properties,
                              MeterRegistry meters) {
        this.store = store;
        this.attempts = attempts;
        this.properties = properties;
        this.inFlight = new InFlightAttempts(properties.maxInFlight());
        meters.gauge("ezthrottle.webhooks.in_flight", inFlight, InFlightAttempts::count);
    }

    /**
     * Attempts this replica already claimed: run now if there is room (a place of {@code reserved} first),
     * otherwise hand them back to the schedule.
     */
    void runNow(List<PendingAttempt> claimed, InFlightAttempts.Reservation reserved) {
        Map<Integer, Map<AttemptRef, Duration>> handBack = new HashMap<>();
        for (PendingAttempt a : claimed) {
            if (reserved.use()) {
                launch(Mono.just(a));
            } else {
                handBack.computeIfAbsent(a.ref().shard(), s -> new HashMap<>()).put(a.ref(), Duration.ZERO);
            }
        }
        handBack.forEach((shard, refs) -> store.defer(shard, refs)
                .subscribe(null, e -> log.warn("could not hand attempts back (their lease will): {}", e.toString())));
    }

    /** Attempts in progress in this replica. */
    public int inFlight() {
        return inFlight.count();
    }

    /**
     * Reserves room for the attempts of results about to be read: up to {@code most} places, once at least
     * {@code wanted} are free (waiting at most {@code patience}, then reserving none). The reader reads no more
     * results than it reserved places for, and ends the reservation when they are planned.
     */
    Mono<InFlightAttempts.Reservation> reserve(int wanted, int most, Duration patience) {
        return inFlight.reserve(Math.max(1, Math.min(wanted, properties.maxInFlight())), most, patience);
    }

    /** A reservation of no places: attempts of results read without one run only if there is room. */
    InFlightAttempts.Reservation noReservation() {
        return inFlight.none();
    }

    @Override
    public void start() {
        running = true;
        loop = Flux.merge(Flux.interval(properties.claimInterval()), wake.asFlux())
                .onBackpressureDrop()
                .concatMap(tick -> claimRound().onErrorResume(e -> {
                    log.warn("claiming due deliveries failed, retrying next tick: {}", e.toString());
                    return Mono.empty();
                }), 1)
                .subscribe();
    }

    /** One pass over every shard, starting at a rotating shard so none is always served last. */
    private Mono<Void> claimRound() {
        AtomicBoolean more = new AtomicBoolean();
        int first = nextShard.getAndIncrement();
        return Flux.range(0, DeliveryShards.COUNT)
                .map(i -> Math.floorMod(first + i, DeliveryShards.COUNT))
                .concatMap(shard -> claim(shard, more))
                .then(Mono.fromRunnable(() -> {
                    if (more.get() && running) {
                        wake.tryEmitNext(Boolean.TRUE); // a full batch: there is probably more due right now
                    }
                }));
    }

    private Mono<Void> claim(int shard, AtomicBoolean more) {
        if (!running) {
            return Mono.empty();
        }
        int limit = inFlight.takeUpTo(properties.claimBatch()); // reserve first, so planning in parallel cannot overshoot the cap
        if (limit <= 0) {
            return Mono.empty();
        }
        return store.claim(shard, limit, properties.lease())
                .doOnError(e -> inFlight.release(limit))
                .doOnNext(claim -> {
                    inFlight.release(limit - claim.refs().size());
                    if (claim.refs().size() == limit) {
                        more.set(true);
                    }
                    claim.refs().forEach(ref -> launch(store.load(ref)));
                })
                .then();
    }

    /** Runs an attempt whose in-flight slot is already counted; the slot is freed however it ends. */
    private void launch(Mono<PendingAttempt> attempt) {
        attempt.flatMap(attempts::attempt)
                .doFinally(s -> inFlight.release(1))
                .subscribe(null, e -> log.warn("delivery attempt failed unexpectedly: {}", e.toString()));
    }

    @Override
    public void stop() {
        running = false;
        if (loop != null) {
            loop.dispose();
        }
    }

    /**
     * Stops claiming, then lets attempts in progress finish and record their outcome (bounded by one attempt's
     * timeout) before the Redis client goes away: an attempt cut off mid-way would be sent again after its lease.
     */
    @Override
    public void stop(Runnable callback) {
        stop();
        Flux.interval(Duration.ofMillis(20))
                .filter(t -> inFlight.count() <= 0)
                .next()
                .timeout(properties.timeout().plusSeconds(2), Mono.just(0L))
                .subscribe(t -> callback.run(), e -> callback.run());
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
