package io.ezthrottle.core.redis;

import java.time.Duration;

import org.redisson.api.RedissonReactiveClient;
import org.springframework.boot.health.contributor.AbstractReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Mono;

/**
 * Readiness depends on Redis: it is our queue and our state, so a service that cannot reach it must not take
 * traffic. Measured with a PING-equivalent round trip.
 */
public final class RedisHealthIndicator extends AbstractReactiveHealthIndicator {

    private final RedissonReactiveClient redis;

    public RedisHealthIndicator(RedissonReactiveClient redis) {
        super("Redis health check failed");
        this.redis = redis;
    }

    @Override
    protected Mono<Health> doHealthCheck(Health.Builder builder) {
        long start = System.nanoTime();
        return redis.getKeys().count()
                .timeout(Duration.ofSeconds(2))
                .map(keys -> builder.up()
                        .withDetail("latency_ms", (System.nanoTime() - start) / 1_000_000)
                        .build());
    }
}
