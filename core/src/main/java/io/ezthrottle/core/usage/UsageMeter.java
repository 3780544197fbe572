package io.ezthrottle.core.usage;

import java.time.Clock;
import java.time.Duration;

import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.tenant.Tenant;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Monthly request counters, one Redis string per tenant and calendar month (UTC) at {@link RedisKeys#usage}.
 * Counting happens where a job is accepted, in the same atomic script that claims its idempotency key (so a
 * duplicate never counts and the cap can never be overshot across replicas); this class names the counter, gives
 * its lifetime and reads it.
 *
 * <p>The period is chosen from this replica's clock. Replicas are NTP-synchronised, so at a month boundary a job
 * may land in either month by the clock skew; within a month the count is exact.
 */
public final class UsageMeter {

    /** Counters outlive their month by this much, so last month's usage can still be looked at. */
    public static final Duration KEPT_AFTER_PERIOD = Duration.ofDays(35);

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final Clock clock;

    public UsageMeter(RedissonReactiveClient redis, RedisKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    /** The period now. */
    public UsagePeriod currentPeriod() {
        return UsagePeriod.containing(clock.millis());
    }

    /** The counter's key for a tenant and period. */
    public String counterKey(String tenantId, UsagePeriod period) {
        return keys.usage(tenantId, period.id());
    }

    /** TTL to give a counter created now for {@code period}. */
    public Duration counterTtl(UsagePeriod period) {
        return Duration.ofMillis(Math.max(0, period.endMillis() - clock.millis())).plus(KEPT_AFTER_PERIOD);
    }

    /** The tenant's usage in the current period. */
    public Mono<Usage> current(Tenant tenant) {
        return read(tenant, currentPeriod());
    }

    public Mono<Usage> read(Tenant tenant, UsagePeriod period) {
        return redis.<String>getBucket(counterKey(tenant.id(), period), StringCodec.INSTANCE).get()
                .map(Long::parseLong)
                .defaultIfEmpty(0L)
                .map(used -> new Usage(tenant.id(), tenant.tier(), period, used));
    }
}
