package io.ezthrottle.api.admission;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Load shedding of new submissions ({@code ezthrottle.api.admission.*}, compat-protocol §6.7). Each ceiling is off
 * at 0. Duplicates of known jobs are always answered; only new work is refused.
 *
 * @param maxQueueDepth  {@code EZTHROTTLE_MAX_QUEUE_DEPTH}: refuse new jobs while more than this many wait in Redis
 *                       (all job streams, overflow streams and the delayed set; sampled, see {@code sampleInterval})
 * @param memoryLimitMb  {@code EZTHROTTLE_MEMORY_LIMIT_MB}: refuse new jobs while this replica's used heap exceeds
 *                       this many MiB
 * @param retryAfter     {@code EZTHROTTLE_RETRY_AFTER_SECONDS}: {@code Retry-After} of the first refusal in a row;
 *                       each further one doubles it
 * @param retryAfterMax  the doubling stops here
 * @param sampleInterval how often the queue depth is measured; a burst can overshoot the ceiling by what arrives in
 *                       one interval, the price of not adding a cross-slot Redis read to every submission
 */
@ConfigurationProperties("ezthrottle.api.admission")
public record AdmissionProperties(
        @DefaultValue("0") long maxQueueDepth,
        @DefaultValue("0") long memoryLimitMb,
        @DefaultValue("5s") Duration retryAfter,
        @DefaultValue("60s") Duration retryAfterMax,
        @DefaultValue("1s") Duration sampleInterval) {

    public AdmissionProperties {
        if (maxQueueDepth < 0 || memoryLimitMb < 0) {
            throw new IllegalArgumentException("admission ceilings must be >= 0 (0 = off)");
        }
        if (retryAfter.toSeconds() < 1 || retryAfterMax.compareTo(retryAfter) < 0) {
            throw new IllegalArgumentException("ezthrottle.api.admission.retry-after must be >= 1s and <= retry-after-max");
        }
        if (sampleInterval.isNegative() || sampleInterval.isZero()) {
            throw new IllegalArgumentException("ezthrottle.api.admission.sample-interval must be positive");
        }
    }

    public boolean enabled() {
        return maxQueueDepth > 0 || memoryLimitMb > 0;
    }
}
