package io.ezthrottle.worker.pacing;

import java.util.concurrent.ConcurrentHashMap;

import io.ezthrottle.core.throttle.DomainLimits;
import io.ezthrottle.core.throttle.DomainLimitsStore;
import io.ezthrottle.core.throttle.PacingSignal;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Each destination's limits as last read from Redis, kept for at most {@link #MAX_AGE_NANOS}: a change made by any
 * replica (learned from headers, an operator override, a 429 pause) is applied here within half a second.
 */
@Component
public class LimitsCache {

    static final long MAX_AGE_NANOS = 500_000_000L;

    private record Entry(DomainLimits limits, long readAt) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final DomainLimitsStore store;

    public LimitsCache(DomainLimitsStore store) {
        this.store = store;
    }

    public Mono<DomainLimits> get(String destination) {
        Entry e = entries.get(destination);
        if (e != null && System.nanoTime() - e.readAt() < MAX_AGE_NANOS) {
            return Mono.just(e.limits());
        }
        return store.read(destination).doOnNext(l -> entries.put(destination, new Entry(l, System.nanoTime())));
    }

    /** The last known limits without touching Redis (null when never read). */
    public DomainLimits peek(String destination) {
        Entry e = entries.get(destination);
        return e == null ? null : e.limits();
    }

    public Mono<Void> learn(String destination, PacingSignal signal) {
        if (signal.isEmpty()) {
            return Mono.empty();
        }
        return get(destination)
                .flatMap(current -> store.learn(destination, signal, current))
                .doOnSuccess(v -> entries.remove(destination));
    }

    public Mono<Void> pause(String destination, long untilMillis) {
        return store.pause(destination, untilMillis).doOnSuccess(v -> entries.remove(destination));
    }

    public void forget(String destination) {
        entries.remove(destination);
    }
}
