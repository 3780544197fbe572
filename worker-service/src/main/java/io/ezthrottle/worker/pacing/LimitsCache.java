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

    /** Least time between two stores of an unchanged signal (per destination, per worker). */
    static final long REPEAT_NANOS = 1_000_000_000L;

    private record Stored(PacingSignal signal, long at) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Stored> stored = new ConcurrentHashMap<>();
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

    /**
     * Applies what an upstream said about its limits. An upstream that sends the same headers on every answer would
     * otherwise cost two Redis writes per call and a re-read of the limits for the next dispatch: a signal equal to
     * the one this worker last stored for the destination is stored again at most every {@link #REPEAT_NANOS}
     * (enough to keep it from expiring as idle), while a different one is stored at once.
     */
    public Mono<Void> learn(String destination, PacingSignal signal) {
        if (signal.isEmpty()) {
            return Mono.empty();
        }
        long now = System.nanoTime();
        Stored last = stored.get(destination);
        if (last != null && last.signal().equals(signal) && now - last.at() < REPEAT_NANOS) {
            return Mono.empty();
        }
        stored.put(destination, new Stored(signal, now));
        return get(destination)
                .flatMap(current -> store.learn(destination, signal, current))
                .doOnSuccess(v -> entries.remove(destination));
    }

    public void forget(String destination) {
        entries.remove(destination);
        stored.remove(destination);
    }
}
