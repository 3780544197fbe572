package io.ezthrottle.core.throttle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.ezthrottle.core.redis.RedisKeys;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.redisson.Bucket4jRedisson;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

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
 * <p>Acquisition <em>reserves</em> the next window in one atomic Redis operation and then waits locally until it
 * starts: the caller never polls, and two replicas can never take the same window. A window further away than
 * {@code maxWait} is not reserved; the caller is told to come back later so a long backlog never books the bucket
 * far into the future (which would make later rate changes take effect late).
 */
public final class DomainRateLimiter implements AutoCloseable {

    private final AsyncProxyManager<String> buckets;
    private final RedisKeys keys;
    private final ScheduledExecutorService timer;

    public DomainRateLimiter(RedissonClient redisson, RedisKeys keys) {
        this.keys = keys;
        this.buckets = Bucket4jRedisson.casBasedBuilder(((Redisson) redisson).getCommandExecutor())
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(60)))
                .build()
                .asAsync();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ezthrottle-pacer");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Emits {@code true} once the next window of dispatch slots for {@code destination} is ours and has begun (the
     * caller starts up to {@link DomainLimits#batch()} calls in it, spaced by {@link DomainLimits#intervalNanos()}),
     * or {@code false} (immediately) when it begins further away than {@code maxWait}.
     */
    public Mono<Boolean> acquire(String destination, DomainLimits limits, Duration maxWait) {
        var bucket = buckets.builder()
                .withImplicitConfigurationReplacement(limits.version(), TokensInheritanceStrategy.PROPORTIONALLY)
                .build(keys.domainBucket(destination), () -> CompletableFuture.completedFuture(configuration(limits)));
        return Mono.fromFuture(() -> bucket.asScheduler().tryConsume(1, maxWait.toNanos(), timer))
                .publishOn(Schedulers.parallel());
    }

    /** One window of {@code batch} slots per {@code batch} intervals, and never more than one window saved up. */
    static BucketConfiguration configuration(DomainLimits limits) {
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(1)
                        .refillGreedy(1, Duration.ofNanos(limits.intervalNanos() * limits.batch()))
                        .initialTokens(1))
                .build();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
