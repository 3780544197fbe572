package io.ezthrottle.admin.overview;

import java.util.Map;

import io.ezthrottle.admin.tenants.TenantIds;
import io.ezthrottle.core.usage.UsageMeter;
import io.ezthrottle.core.usage.UsagePeriod;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Jobs accepted so far this month by every tenant together: the sum of the usage counters the API increments in
 * the same atomic step that accepts a job (duplicates are not counted there, so not here either). Differences of
 * this total over time are the submission rate, cluster-wide, whichever API replica took the jobs.
 */
@Component
class SubmittedJobs {

    private final TenantIds tenants;
    private final UsageMeter usage;
    private final RedissonReactiveClient redis;

    SubmittedJobs(TenantIds tenants, UsageMeter usage, RedissonReactiveClient redis) {
        this.tenants = tenants;
        this.usage = usage;
        this.redis = redis;
    }

    /** The total and the period it belongs to (a new period starts from zero). */
    Mono<Total> total() {
        UsagePeriod period = usage.currentPeriod();
        return tenants.all().flatMap(ids -> {
            if (ids.isEmpty()) {
                return Mono.just(new Total(period.id(), 0));
            }
            String[] counters = ids.stream().map(id -> usage.counterKey(id, period)).toArray(String[]::new);
            // One MGET (split per slot by Redisson on a Cluster) instead of one GET per tenant.
            return redis.getBuckets(StringCodec.INSTANCE).<String>get(counters)
                    .map(values -> new Total(period.id(), sum(values)));
        }).defaultIfEmpty(new Total(period.id(), 0));
    }

    private static long sum(Map<String, String> values) {
        long sum = 0;
        for (String v : values.values()) {
            try {
                sum += Long.parseLong(v);
            } catch (NumberFormatException e) {
                // not a counter: ignore rather than fail the chart
            }
        }
        return sum;
    }

    /** Jobs accepted in {@code period}. */
    record Total(String period, long jobs) {
    }
}
