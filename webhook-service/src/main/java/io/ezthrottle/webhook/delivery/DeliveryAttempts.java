package io.ezthrottle.webhook.delivery;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.ezthrottle.core.delivery.DeadLetter;
import io.ezthrottle.core.delivery.DeadLetterStore;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.delivery.DeliveryStore.Outcome;
import io.ezthrottle.core.delivery.PendingAttempt;
import io.ezthrottle.webhook.WebhookProperties;
import io.ezthrottle.webhook.pacing.ReceiverPacer;
import io.ezthrottle.webhook.pacing.ReceiverSlots;
import io.ezthrottle.webhook.retry.RetryDecision;
import io.ezthrottle.webhook.retry.RetrySchedule;
import io.ezthrottle.webhook.signature.SigningKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Makes one delivery attempt of one webhook: wait for the receiver domain's pace, sign afresh, POST, then record
 * the outcome: delivered, retry later per the schedule (at least its {@code Retry-After}), or dead letter.
 *
 * <p>Failure policy: if Redis fails while recording, the attempt is simply not recorded and its lease brings it back
 * to the schedule; the receiver may then get the same body twice, which it must tolerate (dedupe on job_id).
 */
@Component
public class DeliveryAttempts {

    private static final Logger log = LoggerFactory.getLogger(DeliveryAttempts.class);

    private final DeliveryStore deliveries;
    private final DeliveryRecorder recorder;
    private final DeadLetterStore deadLetters;
    private final ReceiverPacer pacer;
    private final ReceiverSlots slots;
    private final SigningKeys signing;
    private final WebhookSender sender;
    private final WebhookAddresses addresses;
    private final RetrySchedule schedule;
    private final WebhookProperties properties;
    private final Clock clock;
    private final Counter delivered;
    private final Counter retried;
    private final Counter dead;
    private final Timer duration;

    public DeliveryAttempts(DeliveryStore deliveries, DeliveryRecorder recorder, DeadLetterStore deadLetters,
                            ReceiverPacer pacer, ReceiverSlots slots, SigningKeys signing, WebhookSender sender,
                            WebhookAddresses addresses, WebhookProperties properties, Clock clock, MeterRegistry meters) {
        this.deliveries = deliveries;
        this.recorder = recorder;
        this.deadLetters = deadLetters;
        this.pacer = pacer;
        this.slots = slots;
        this.signing = signing;
        this.sender = sender;
        this.addresses = addresses;
        this.properties = properties;
        this.clock = clock;
        this.delivered = meters.counter("ezthrottle.webhooks.attempts", "outcome", "delivered");
        this.retried = meters.counter("ezthrottle.webhooks.attempts", "outcome", "retry");
        this.dead = meters.counter("ezthrottle.webhooks.attempts", "outcome", "dead");
        this.duration = meters.timer("ezthrottle.webhooks.attempt.duration");
        this.schedule = new RetrySchedule(properties.retryDelays(), properties.giveUpAfter(), properties.jitter(),
                properties.maxRetryAfter(), () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Runs one claimed attempt to its recorded end; never errors. */
    public Mono<Void> attempt(PendingAttempt attempt) {
        WebhookAddresses.Address address;
        try {
            address = addresses.of(attempt.url());
        } catch (RuntimeException e) {
            return giveUp(attempt, 0, "invalid webhook URL").onErrorResume(this::unrecorded);
        }
        String domain = address.domain();
        if (!slots.tryAcquire(domain)) {
            // This replica already has the domain's share in flight: come back when some should have finished.
            return defer(attempt, Duration.ofMillis(100 + ThreadLocalRandom.current().nextLong(200)));
        }
        return pacer.take(domain)
                .flatMap(wait -> wait.isZero() ? send(attempt, address) : defer(attempt, spread(wait)))
                .doFinally(s -> slots.release(domain))
                .onErrorResume(this::unrecorded);
    }

    private Mono<Void> send(PendingAttempt attempt, WebhookAddresses.Address address) {
        byte[] body = attempt.body().getBytes(StandardCharsets.UTF_8);
        long started = System.nanoTime();
        return signing.forTenant(attempt.tenantId())
                .map(s -> s.headers(attempt.ref().jobId(), clock.millis() / 1000, body))
                .flatMap(headers -> sender.send(address.uri(), body, headers))
                .doOnNext(o -> duration.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS))
                .flatMap(outcome -> settle(attempt, address.domain(), outcome));
    }

    private Mono<Void> settle(PendingAttempt attempt, String domain, AttemptOutcome outcome) {
        if (outcome instanceof AttemptOutcome.Delivered d) {
            delivered.increment();
            return recorder.record(Outcome.delivered(attempt.ref(), d.status())).then();
        }
        int status = outcome instanceof AttemptOutcome.Refused r ? r.status() : 0;
        String error = outcome instanceof AttemptOutcome.Refused r ? r.error() : ((AttemptOutcome.Unreachable) outcome).error();
        Duration retryAfter = outcome instanceof AttemptOutcome.Refused r ? r.retryAfter() : null;
        boolean permanent = outcome instanceof AttemptOutcome.Unreachable u && u.permanent();
        RetryDecision decision = schedule.next(attempt.attempts() + 1, attempt.firstAt(), clock.millis(), retryAfter,
                permanent);
        Mono<Void> pause = retryAfter == null || retryAfter.isZero() ? Mono.empty()
                : pacer.pause(domain, min(retryAfter, properties.maxRetryAfter()));
        if (decision instanceof RetryDecision.Retry retry) {
            retried.increment();
            log.info("webhook attempt failed job_id={} webhook={} host={} attempt={} reason=\"{}\" next_in_ms={}",
                    attempt.ref().jobId(), attempt.ref().index(), host(attempt.url()), attempt.attempts() + 1, error,
                    retry.delay().toMillis());
            return pause.then(recorder.record(Outcome.retry(attempt.ref(), status, error, retry.delay()))).then();
        }
        return pause.then(giveUp(attempt, status, error));
    }

    /**
     * Dead-letters a webhook. The letter is written before the delivery records it as dead: a crash in between
     * leaves the attempt leased, so it is tried once more and possibly lettered twice, but never lost.
     */
    private Mono<Void> giveUp(PendingAttempt attempt, int status, String error) {
        dead.increment();
        long now = clock.millis();
        DeadLetter letter = new DeadLetter(null, attempt.tenantId(), attempt.ref().jobId(), attempt.ref().index(),
                attempt.url(), attempt.vote(), attempt.surface(), attempt.attempts() + 1, attempt.firstAt(), now, status,
                error, attempt.body());
        log.warn("webhook dead-lettered job_id={} webhook={} host={} attempts={} reason=\"{}\"", attempt.ref().jobId(),
                attempt.ref().index(), host(attempt.url()), attempt.attempts() + 1, error);
        return deadLetters.add(letter, properties.deadLetters().maxPerTenant(), properties.deadLetters().retention())
                .flatMap(id -> recorder.record(Outcome.dead(attempt.ref(), status, error, id)))
                .then();
    }

    private Mono<Void> defer(PendingAttempt attempt, Duration delay) {
        return deliveries.defer(attempt.ref().shard(), Map.of(attempt.ref(), delay));
    }

    /** Spreads deferred attempts over a few token intervals so they do not all come back in the same instant. */
    private Duration spread(Duration wait) {
        long interval = (long) Math.ceil(1000 / properties.receiver().rps());
        return wait.plusMillis(ThreadLocalRandom.current().nextLong(Math.max(1, interval * 4)));
    }

    private Mono<Void> unrecorded(Throwable e) {
        log.warn("delivery attempt not recorded (its lease will bring it back): {}", e.toString());
        return Mono.empty();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String host(String url) {
        try {
            return URI.create(url).getHost();
        } catch (RuntimeException e) {
            return "?";
        }
    }
}
