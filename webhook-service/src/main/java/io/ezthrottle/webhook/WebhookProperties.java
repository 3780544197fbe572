package io.ezthrottle.webhook;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the webhook dispatcher ({@code ezthrottle.webhook.*}), checked at start-up.
 *
 * @param consumerName       name in the results consumer group; defaults to a random unique name per replica
 * @param batchSize          result entries read per XREADGROUP
 * @param pollTimeout        how long one XREADGROUP blocks when the results stream is empty
 * @param reclaimIdle        a result entry read by a replica that then died is taken over after this long
 * @param timeout            timeout of one delivery attempt (connect plus response)
 * @param retryDelays        wait before each attempt of one webhook, the first normally zero (deliver at once);
 *                           after the list is used up its last delay repeats until {@code giveUpAfter}
 * @param giveUpAfter        a webhook still failing this long after its first attempt is dead-lettered (24 h, as the
 *                           hosted service documents)
 * @param jitter             each retry delay is moved by up to this fraction either way, so receivers coming back
 *                           are not hit by every queued retry at the same instant (0 disables)
 * @param maxRetryAfter      cap on a receiver's {@code Retry-After}
 * @param lease              a claimed attempt returns to the schedule after this long if its replica did not record
 *                           an outcome (crash); must exceed {@code timeout} comfortably
 * @param claimInterval      how often the schedule is polled for due attempts (new results are attempted at once;
 *                           this bounds the latency of retries and of attempts another replica gave up)
 * @param claimBatch         most attempts claimed from one shard at a time
 * @param maxInFlight        most attempts in progress at once in this replica
 * @param maxConnections     HTTP connection pool size of this replica
 * @param signingCacheTtl    how long a tenant's secret and signature scheme are reused before being read again: a
 *                           rotated secret signs every attempt made later than this after the rotation (0 = read
 *                           at every attempt)
 * @param finishedRetention  how long a settled delivery's state stays queryable
 * @param receiver           pace towards one receiver domain
 * @param deadLetters        dead-letter bounds
 */
@ConfigurationProperties("ezthrottle.webhook")
public record WebhookProperties(
        String consumerName,
        @DefaultValue("128") int batchSize,
        @DefaultValue("1s") Duration pollTimeout,
        @DefaultValue("60s") Duration reclaimIdle,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue({"0s", "1m", "5m", "15m", "1h"}) List<Duration> retryDelays,
        @DefaultValue("24h") Duration giveUpAfter,
        @DefaultValue("0.1") double jitter,
        @DefaultValue("1h") Duration maxRetryAfter,
        @DefaultValue("30s") Duration lease,
        @DefaultValue("250ms") Duration claimInterval,
        @DefaultValue("128") int claimBatch,
        @DefaultValue("512") int maxInFlight,
        @DefaultValue("1024") int maxConnections,
        @DefaultValue("1s") Duration signingCacheTtl,
        @DefaultValue("24h") Duration finishedRetention,
        @DefaultValue Receiver receiver,
        @DefaultValue DeadLetters deadLetters) {

    public WebhookProperties {
        require(batchSize > 0, "batch-size must be positive");
        require(!retryDelays.isEmpty(), "retry-delays must name at least one delay");
        require(retryDelays.stream().noneMatch(Duration::isNegative), "retry-delays must not be negative");
        require(jitter >= 0 && jitter < 1, "jitter must be in [0, 1)");
        require(lease.compareTo(timeout) > 0, "lease must be longer than timeout");
        require(claimBatch > 0 && maxInFlight > 0 && maxConnections > 0, "claim-batch, max-in-flight and max-connections must be positive");
        retryDelays = List.copyOf(retryDelays);
    }

    /** How long a delivery's state must survive while attempts remain: the horizon plus room for the last one. */
    public Duration activeRetention() {
        return giveUpAfter.plus(maxRetryAfter).plus(lease).plusHours(1);
    }

    /**
     * Pace of deliveries to one receiver domain (host plus non-default port), shared by every replica through one
     * token bucket in Redis.
     *
     * @param rps         deliveries per second
     * @param burst       deliveries allowed at once after a quiet period
     * @param maxInFlight most concurrent requests to one domain from this replica
     */
    public record Receiver(@DefaultValue("50") double rps, @DefaultValue("50") int burst,
                           @DefaultValue("32") int maxInFlight) {
        public Receiver {
            require(rps > 0 && burst > 0 && maxInFlight > 0, "receiver rps, burst and max-in-flight must be positive");
        }
    }

    /**
     * @param maxPerTenant letters kept per tenant (oldest trimmed first)
     * @param retention    a tenant's letters expire after this long without a new one
     */
    public record DeadLetters(@DefaultValue("10000") int maxPerTenant, @DefaultValue("7d") Duration retention) {
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("ezthrottle.webhook: " + message);
        }
    }
}
