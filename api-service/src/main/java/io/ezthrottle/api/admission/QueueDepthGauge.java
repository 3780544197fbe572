package io.ezthrottle.api.admission;

import java.util.concurrent.atomic.AtomicLong;

import io.ezthrottle.core.queue.LiveRegions;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Samples how many jobs wait in Redis: the any-region stream, each live region's stream, the destinations'
 * overflow streams and the delayed set (entries are deleted once done, so a stream's length is its backlog).
 * Sampling in the background keeps these reads, which span hash slots, off the submission path. Only runs when a
 * queue-depth ceiling is configured.
 */
@Component
public class QueueDepthGauge implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(QueueDepthGauge.class);

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final LiveRegions liveRegions;
    private final AdmissionProperties properties;
    private final AtomicLong depth = new AtomicLong();
    private volatile Disposable sampling;

    public QueueDepthGauge(RedissonReactiveClient redis, RedisKeys keys, LiveRegions liveRegions,
                           AdmissionProperties properties) {
        this.redis = redis;
        this.keys = keys;
        this.liveRegions = liveRegions;
        this.properties = properties;
    }

    /** The last sample. */
    public long depth() {
        return depth.get();
    }

    /** Measures now. */
    public Mono<Long> measure() {
        Mono<Long> anyRegion = streamLength(keys.jobStream());
        Mono<Long> regional = liveRegions.regions()
                .flatMapMany(Flux::fromIterable)
                .flatMap(region -> streamLength(keys.regionStream(region)))
                .reduce(0L, Long::sum);
        Mono<Long> overflow = redis.<String>getSet(keys.overflowIndex(), StringCodec.INSTANCE).readAll()
                .flatMapMany(Flux::fromIterable)
                .flatMap(this::streamLength, 8)
                .reduce(0L, Long::sum);
        Mono<Long> delayed = redis.<String>getScoredSortedSet(keys.delayed(), StringCodec.INSTANCE).size()
                .map(Integer::longValue);
        return Flux.merge(anyRegion, regional, overflow, delayed).reduce(0L, Long::sum);
    }

    private Mono<Long> streamLength(String key) {
        return redis.<String, String>getStream(key, StringCodec.INSTANCE).size();
    }

    @Override
    public void start() {
        if (properties.maxQueueDepth() <= 0) {
            return;
        }
        sampling = Flux.interval(java.time.Duration.ZERO, properties.sampleInterval())
                .onBackpressureDrop()
                .concatMap(tick -> measure()
                        // Redis trouble: keep the last sample; submissions fail on their own with 503 meanwhile.
                        .onErrorResume(e -> {
                            log.debug("queue depth sample failed: {}", e.toString());
                            return Mono.empty();
                        }), 1)
                .subscribe(depth::set);
    }

    @Override
    public void stop() {
        Disposable d = sampling;
        if (d != null) {
            d.dispose();
        }
        sampling = null;
    }

    @Override
    public boolean isRunning() {
        return sampling != null && !sampling.isDisposed();
    }
}
