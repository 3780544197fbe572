package io.ezthrottle.core.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.ezthrottle.core.redis.RedisKeys;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.VerboseResult;
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
 *
 * <p>A window begins at an instant on the clock the bucket's arithmetic runs on ({@link #CLOCK}: wall-clock time,
 * which Bucket4j's client-side arithmetic already needs in step on every replica): the time the reservation was
 * computed plus the wait it was given. Counting that wait from when the reply arrived instead would start each window
 * late by the rest of the round trip (and by CAS retries), a different amount on every replica and every time, and a
 * late window would run into the next replica's.
 */
public final class DomainRateLimiter implements AutoCloseable {

    /**
     * Wall-clock time at the JVM's best resolution. Bucket4j's default for CAS-based proxies reads whole
     * milliseconds, which would move every window's start by up to a millisecond, differently on each replica.
     */
    static final TimeMeter CLOCK = new TimeMeter() {
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
    private final ScheduledExecutorService timer;

    public DomainRateLimiter(RedissonClient redisson, RedisKeys keys) {
        this.keys = keys;
        this.buckets = Bucket4jRedisson.casBasedBuilder(((Redisson) redisson).getCommandExecutor())
                .clientClock(CLOCK)
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
     * or {@code false} (as soon as the bucket answers, nothing reserved) when it begins further away than
     * {@code maxWait}.
     */
    public Mono<Boolean> acquire(String destination, DomainLimits limits, Duration maxWait) {
        var bucket = buckets.builder()
                .withImplicitConfigurationReplacement(limits.version(), TokensInheritanceStrategy.PROPORTIONALLY)
                .build(keys.domainBucket(destination), () -> CompletableFuture.completedFuture(configuration(limits)));
        return Mono.defer(() -> {
            // The scheduled reservation keeps the maxWait check inside the atomic operation: a plain reservation
            // given back when too far would free the last window booked, which by then may be another replica's
            // (booked after ours), not ours, and the next caller would be handed that replica's window again.
            WaitCapture wait = new WaitCapture();
            return Mono.fromFuture(bucket.asScheduler().asVerbose().tryConsume(1, maxWait.toNanos(), wait))
                    .flatMap(granted -> granted.getValue() ? startOf(granted, wait.nanos) : Mono.just(false));
        }).publishOn(Schedulers.parallel());
    }

    /** Emits {@code true} when the window booked by {@code reservation}, {@code waitNanos} after it, begins. */
    private Mono<Boolean> startOf(VerboseResult<Boolean> reservation, long waitNanos) {
        long left = reservation.getOperationTimeNanos() + waitNanos - CLOCK.currentTimeNanos();
        if (left <= 0) {
            return Mono.just(true);
        }
        return Mono.create(sink -> {
            ScheduledFuture<?> start = timer.schedule(() -> sink.success(true), left, TimeUnit.NANOSECONDS);
            sink.onCancel(() -> start.cancel(false));
        });
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

    /**
     * Handed to Bucket4j as the scheduler of one reservation: it keeps the wait Bucket4j would sleep (counted from
     * the operation time, not from now) and completes at once, so the caller times the window from the operation.
     * Bucket4j calls {@code schedule} only for a granted reservation with a wait, before completing its future.
     */
    private static final class WaitCapture extends AbstractExecutorService implements ScheduledExecutorService {
        private long nanos;

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            nanos = unit.toNanos(delay);
            command.run();
            return null;
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void execute(Runnable command) {
            command.run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }
}
