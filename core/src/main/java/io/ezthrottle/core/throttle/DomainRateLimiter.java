package io.ezthrottle.core.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import io.ezthrottle.core.redis.RedisKeys;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import reactor.core.publisher.Mono;

/**
 * Paces dispatches to one destination across every replica with a distributed Bucket4j bucket stored in Redis.
 *
 * <p>One token of the bucket is one <em>window</em> of {@link DomainLimits#batch()} consecutive dispatch slots, and
 * the bucket holds at most one window: whoever takes it owns those slots and spaces its calls over them, and the
 * next window is only available when this one has passed. Windows of different replicas therefore never overlap,
 * even after an idle spell (a bucket counting single slots with room for a batch would hand the saved-up slots to
 * several replicas at the same instant, and they would call together). A hot destination still costs one bucket
 * operation per window, not per request.
 *
 * <p>Acquisition <em>reserves</em> the next window in one atomic Redis operation and tells the caller when it begins,
 * as a time on the shared clock (the bucket's own, wall-clock based): the caller waits for that instant itself. A wait
 * measured from when the reply arrived would start every window late by that round trip, by a different amount on
 * each replica, and consecutive windows of two replicas would then close up. Each lane holds at most one reservation
 * at a time, so the bucket is never booked more than one window per replica ahead.
 */
public final class DomainRateLimiter {

    /** The clock every replica's bucket arithmetic uses: wall-clock time with the JVM's best resolution. */
    public static final TimeMeter CLOCK = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    };

    private final AsyncProxyManager<String> buckets;
    private final RedisKeys keys;

    public DomainRateLimiter(RedissonClient redisson, RedisKeys keys) {
        this.keys = keys;
        this.buckets = Bucket4jRedisson.casBasedBuilder(((Redisson) redisson).getCommandExecutor())
                .clientClock(CLOCK)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(60)))
                .build()
                .asAsync();
    }

    /**
     * Reserves the next window of dispatch slots for {@code destination} and emits when it begins, in
     * {@link #CLOCK} nanoseconds (possibly already past: start at once). The caller starts up to
     * {@link DomainLimits#batch()} calls in it, spaced by {@link DomainLimits#intervalNanos()}.
     */
    public Mono<Long> reserve(String destination, DomainLimits limits) {
        var bucket = buckets.builder()
                .withImplicitConfigurationReplacement(limits.version(), TokensInheritanceStrategy.PROPORTIONALLY)
                .build(keys.domainBucket(destination), () -> CompletableFuture.completedFuture(configuration(limits)));
        return Mono.fromFuture(() -> bucket.asVerbose().consumeIgnoringRateLimits(1))
                .map(r -> r.getOperationTimeNanos() + r.getValue());
    }

    /** One window of {@code batch} slots per {@code batch} intervals, and never more than one window saved up. */
    static BucketConfiguration configuration(DomainLimits limits) {
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(1)
                        .refillGreedy(1, Duration.ofNanos(limits.intervalNanos() * limits.batch()))
                        .initialTokens(1))
                .build();
    }
}
