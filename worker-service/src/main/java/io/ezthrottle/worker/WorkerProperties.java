package io.ezthrottle.worker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of a worker ({@code ezthrottle.worker.*}).
 *
 * @param consumerName     name in the consumer groups; defaults to region plus a random suffix (unique per process)
 * @param batchSize        stream entries read per XREADGROUP
 * @param maxLocalJobs     most jobs one worker holds in memory (waiting for a slot or in flight)
 * @param laneCapacity     most jobs one destination's lane holds in memory; the rest wait in Redis (overflow)
 * @param pollTimeout      how long one XREADGROUP blocks when the stream is empty
 * @param maxPermitWait    furthest ahead a dispatch slot is reserved; a busier destination is asked again later
 * @param upstreamTimeout  whole-response timeout of an upstream call (a timeout is a transport failure)
 * @param connectTimeout   TCP connect timeout of an upstream call
 * @param maxResponseBytes response bytes kept; the rest of a larger body is discarded
 * @param heartbeatTtl     how long this worker counts as alive without a new heartbeat (others then reclaim its work)
 * @param reclaimInterval  how often entries of dead workers are looked for
 * @param orphanIdle       how long an entry may stay pending for this worker while it no longer holds it (its
 *                         bookkeeping failed) before this worker takes it up again
 * @param delayedPoll      how often due retries and timers are moved to the streams
 * @param backoffBase      first retry delay without Retry-After (doubles per retry, full jitter)
 * @param backoffMax       longest retry delay without Retry-After
 * @param retryAfterMax    longest Retry-After honoured
 * @param jitterMax        most random delay added to a dispatch so replicas do not fire in lock-step
 */
@ConfigurationProperties("ezthrottle.worker")
public record WorkerProperties(
        String consumerName,
        @DefaultValue("64") int batchSize,
        @DefaultValue("10000") int maxLocalJobs,
        @DefaultValue("200") int laneCapacity,
        @DefaultValue("1s") Duration pollTimeout,
        @DefaultValue("5s") Duration maxPermitWait,
        @DefaultValue("30s") Duration upstreamTimeout,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("1048576") int maxResponseBytes,
        @DefaultValue("5s") Duration heartbeatTtl,
        @DefaultValue("1s") Duration reclaimInterval,
        @DefaultValue("60s") Duration orphanIdle,
        @DefaultValue("100ms") Duration delayedPoll,
        @DefaultValue("500ms") Duration backoffBase,
        @DefaultValue("30s") Duration backoffMax,
        @DefaultValue("300s") Duration retryAfterMax,
        @DefaultValue("10ms") Duration jitterMax) {
}
