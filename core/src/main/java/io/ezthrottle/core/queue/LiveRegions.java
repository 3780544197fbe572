package io.ezthrottle.core.queue;

import java.time.Clock;
import java.util.Set;
import java.util.TreeSet;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Which regions have a live worker, from the heartbeats workers keep in {@link RedisKeys#workers()} (member
 * {@code region|consumer}, score = expiry in ms).
 */
public final class LiveRegions {

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final Clock clock;

    public LiveRegions(RedissonReactiveClient redis, RedisKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    public Mono<Set<String>> regions() {
        return liveWorkers().map(workers -> {
            Set<String> regions = new TreeSet<>();
            workers.forEach(w -> regions.add(w.substring(0, w.indexOf('|'))));
            return regions;
        });
    }

    /** Members {@code region|consumer} whose heartbeat has not expired. */
    public Mono<Set<String>> liveWorkers() {
        return redis.<String>getScoredSortedSet(keys.workers(), StringCodec.INSTANCE)
                .valueRange(clock.millis(), false, Double.POSITIVE_INFINITY, true)
                .map(c -> Set.<String>copyOf(c))
                // Redisson completes empty (not with an empty collection) when nothing matches.
                .defaultIfEmpty(Set.of());
    }

    /** Refreshes this worker's heartbeat until {@code now + ttlMs}. */
    public Mono<Void> beat(String region, String consumer, long ttlMs) {
        return redis.<String>getScoredSortedSet(keys.workers(), StringCodec.INSTANCE)
                .add(clock.millis() + ttlMs, region + "|" + consumer).then();
    }

    /** Removes this worker's heartbeat (graceful shutdown: others may reclaim its entries at once). */
    public Mono<Void> leave(String region, String consumer) {
        return redis.<String>getScoredSortedSet(keys.workers(), StringCodec.INSTANCE)
                .remove(region + "|" + consumer).then();
    }
}
