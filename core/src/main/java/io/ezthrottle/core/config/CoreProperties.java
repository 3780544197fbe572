package io.ezthrottle.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings shared by every service ({@code ezthrottle.*}). Each can be set as a Spring property or through the
 * documented environment variable named beside it.
 *
 * @param redis           where Redis is
 * @param egress          outbound-call guard
 * @param bootstrapApiKey {@code EZTHROTTLE_BOOTSTRAP_API_KEY}: creates (idempotently) a top-tier tenant owning this key
 * @param masterKey       {@code EZTHROTTLE_MASTER_KEY}: encrypts webhook secrets at rest; every service must share it
 * @param region          {@code EZTHROTTLE_REGION}: the region this process serves
 * @param retention       job record lifetimes
 * @param pacing          default pace of destinations
 */
@ConfigurationProperties("ezthrottle")
public record CoreProperties(
        @DefaultValue Redis redis,
        @DefaultValue Egress egress,
        String bootstrapApiKey,
        String masterKey,
        @DefaultValue("local") String region,
        @DefaultValue Retention retention,
        @DefaultValue Pacing pacing) {

    /**
     * @param url       {@code EZTHROTTLE_REDIS_URL}: {@code redis://host:port}, {@code rediss://} for TLS, or a comma
     *                  separated list of cluster nodes
     * @param keyPrefix prefix of every key, so several platforms can share one Redis
     * @param poolSize  connections per service
     */
    public record Redis(@DefaultValue("redis://127.0.0.1:6379") String url, @DefaultValue("ezt") String keyPrefix,
                        @DefaultValue("32") int poolSize) {
    }

    /** @param allow {@code EZTHROTTLE_EGRESS_ALLOW}: CIDRs or host names reachable although private */
    public record Egress(@DefaultValue List<String> allow) {
    }

    /**
     * @param queued    lifetime of a queued or dispatching job record
     * @param completed lifetime after success
     * @param failed    lifetime after failure
     */
    public record Retention(@DefaultValue("24h") Duration queued, @DefaultValue("30m") Duration completed,
                            @DefaultValue("2h") Duration failed) {
    }

    /**
     * @param defaultRps           requests per second per destination when nothing else is known
     * @param floorRps             lowest rate an upstream header may set
     * @param defaultMaxConcurrent requests in flight per destination across the cluster
     * @param learnedIdle          how long a pace learned from upstream headers lives without a new signal
     * @param domains              per-destination defaults ({@code ezthrottle.pacing.domains[api.stripe.com].rps=25})
     */
    public record Pacing(@DefaultValue("2.0") double defaultRps, @DefaultValue("0.5") double floorRps,
                         @DefaultValue("2") int defaultMaxConcurrent, @DefaultValue("300s") Duration learnedIdle,
                         @DefaultValue Map<String, DomainPace> domains) {
    }

    /**
     * @param rps           requests per second
     * @param maxConcurrent requests in flight across the cluster
     */
    public record DomainPace(Double rps, Integer maxConcurrent) {
    }
}
