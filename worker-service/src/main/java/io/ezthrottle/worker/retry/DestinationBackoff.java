package io.ezthrottle.worker.retry;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.ezthrottle.core.throttle.DomainLimits;
import io.ezthrottle.core.throttle.DomainLimitsStore;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.dispatch.UpstreamOutcome;
import io.ezthrottle.worker.pacing.LimitsCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Makes the platform a good citizen towards a struggling upstream. Each answer is a health signal for its whole
 * destination, not just for the job that got it: a 5xx, a 429 or no answer at all pauses the destination for every
 * replica (growing with consecutive failures, or exactly the upstream's {@code Retry-After}), and while it keeps
 * failing only one probe at a time goes out; the first healthy answer lifts it. During an outage the backlog then
 * waits in the queue instead of hammering the upstream at the configured pace, and drains at that pace once the
 * upstream is back. Waiting costs jobs nothing: retries are counted per upstream call, not per pause.
 */
@Component
public class DestinationBackoff implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DestinationBackoff.class);

    private final DomainLimitsStore store;
    private final LimitsCache limits;
    private final OutagePauseProperties pause;
    private final WorkerProperties worker;
    private final Clock clock;
    /**
     * Destinations this replica has seen or heard failing: only their healthy answers cost a Redis call (to end the
     * streak); a healthy destination's answers cost nothing.
     */
    private final Set<String> suspects = ConcurrentHashMap.newKeySet();
    private volatile Disposable listening;

    public DestinationBackoff(DomainLimitsStore store, LimitsCache limits, OutagePauseProperties pause,
                              WorkerProperties worker, Clock clock) {
        this.store = store;
        this.limits = limits;
        this.pause = pause;
        this.worker = worker;
        this.clock = clock;
    }

    /** Applies what one answer says about its destination; never fails the attempt it comes from. */
    public Mono<Void> observe(String destination, UpstreamOutcome outcome) {
        Integer status = outcome.response() == null ? null : outcome.response().statusCode();
        boolean failed = status == null || status >= 500 || status == 429;
        Mono<Boolean> effect = failed ? slowDown(destination, status, outcome) : recover(destination);
        return effect
                .flatMap(changed -> changed ? refresh(destination) : Mono.<Void>empty())
                .onErrorResume(e -> {
                    log.warn("destination backoff not recorded destination={}: {}", destination, e.toString());
                    return Mono.empty();
                })
                .then();
    }

    private Mono<Boolean> slowDown(String destination, Integer status, UpstreamOutcome outcome) {
        suspects.add(destination);
        Optional<Duration> retryAfter = status != null && (status == 429 || status == 503)
                ? RetryAfter.parse(outcome.response().headers().get("retry-after"), clock)
                        .map(d -> d.compareTo(worker.retryAfterMax()) > 0 ? worker.retryAfterMax() : d)
                : Optional.empty();
        return store.slowDown(destination, status != null && status == 429, retryAfter, pause.base(), pause.max());
    }

    private Mono<Boolean> recover(String destination) {
        DomainLimits cached = limits.peek(destination);
        boolean paused = cached != null && cached.pausedUntil() > 0;
        if (!suspects.contains(destination) && !paused) {
            return Mono.empty();
        }
        return store.recover(destination).doOnNext(changed -> suspects.remove(destination));
    }

    /**
     * Re-reads the destination's limits now rather than only dropping them, so that code looking at the cached
     * value without a read (a slot about to be used) sees the new pause too.
     */
    private Mono<Void> refresh(String destination) {
        limits.forget(destination);
        return limits.get(destination).then();
    }

    /** Pauses set or lifted by any replica reach this one's limits cache at once, not after its next re-read. */
    @Override
    public void start() {
        listening = store.changes()
                .doOnNext(suspects::add)
                .flatMap(destination -> refresh(destination).onErrorResume(e -> Mono.empty()))
                .onErrorResume(e -> {
                    log.warn("not listening for destination pauses (caches re-read every half second): {}", e.toString());
                    return Mono.empty();
                })
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable d = listening;
        listening = null;
        if (d != null) {
            d.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return listening != null;
    }
}
