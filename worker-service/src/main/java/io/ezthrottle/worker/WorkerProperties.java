package io.ezthrottle.worker;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of a worker ({@code ezthrottle.worker.*}).
 *
 * @param consumerName     name in the consumer group; defaults to region plus a random suffix (unique per process)
 * @param batchSize        stream entries read per XREADGROUP
 * @param maxLocalJobs     most jobs one worker holds in memory (waiting for a slot or in flight)
 * @param pollTimeout      how long one XREADGROUP blocks when the stream is empty
 * @param maxPermitWait    furthest ahead a dispatch slot is reserved; a busier destination is asked again later
 * @param upstreamTimeout  whole-response timeout of an upstream call (a timeout is a transport failure)
 * @param connectTimeout   TCP connect timeout of an upstream call
 * @param maxResponseBytes response bytes kept; the rest of a larger body is discarded
 */
@ConfigurationProperties("ezthrottle.worker")
public record WorkerProperties(
        String consumerName,
        @DefaultValue("64") int batchSize,
        @DefaultValue("10000") int maxLocalJobs,
        @DefaultValue("1s") Duration pollTimeout,
        @DefaultValue("5s") Duration maxPermitWait,
        @DefaultValue("30s") Duration upstreamTimeout,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("1048576") int maxResponseBytes) {
}
