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
 * <p>The bucket holds one token refilled every {@code 1/rps} seconds, so starts are spaced evenly with no burst.
 * Acquisition <em>reserves</em> the next free slot in one atomic Redis operation and then waits locally until the
 * slot's time: the caller never polls, and two replicas can never take the same slot. A slot further away than
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
     * Emits {@code true} once {@code tokens} consecutive dispatch slots for {@code destination} are ours and the
     * first one's time has come (the caller spaces the rest by {@link DomainLimits#intervalNanos()}), or
     * {@code false} (immediately) when they are further away than {@code maxWait}. {@code tokens} must not exceed
     * {@link DomainLimits#batch()}.
     */
    public Mono<Boolean> acquire(String destination, DomainLimits limits, int tokens, Duration maxWait) {
        var bucket = buckets.builder()
                .withImplicitConfigurationReplacement(limits.version(), TokensInheritanceStrategy.PROPORTIONALLY)
                .build(keys.domainBucket(destination), () -> CompletableFuture.completedFuture(configuration(limits)));
        int n = Math.max(1, Math.min(tokens, limits.batch()));
        return Mono.fromFuture(() -> bucket.asScheduler().tryConsume(n, maxWait.toNanos(), timer))
                .publishOn(Schedulers.parallel());
    }

    /** One token per interval with no burst beyond one batch: starts are spaced evenly. */
    static BucketConfiguration configuration(DomainLimits limits) {
        int batch = limits.batch();
        return BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(batch)
                        .refillGreedy(batch, Duration.ofNanos(limits.intervalNanos() * batch))
                        .initialTokens(batch))
                .build();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
