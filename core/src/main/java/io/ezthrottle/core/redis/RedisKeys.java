package io.ezthrottle.core.redis;

/**
 * Every Redis key the platform uses, in one place. Keys that one script touches together share a hash tag
 * ({@code {...}}) so the keyspace works on Redis Cluster; every key that holds per-job or per-domain data gets
 * a TTL where it is written.
 */
public final class RedisKeys {

    private final String prefix;

    public RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    public RedisKeys() {
        this("ezt");
    }

    /** Stream of accepted jobs, consumed by the worker group. */
    public String jobStream() {
        return prefix + ":stream:jobs";
    }

    /** Stream of finished jobs, consumed by the webhook group. */
    public String resultStream() {
        return prefix + ":stream:results";
    }

    /** Hash holding one job record. */
    public String job(String jobId) {
        return prefix + ":job:{" + jobId + "}";
    }

    /** String mapping a tenant's idempotency key (hashed) to its job id. */
    public String idempotency(String tenantId, String keyHash) {
        return prefix + ":idem:{" + tenantId + "}:" + keyHash;
    }

    /** Hash describing a tenant. */
    public String tenant(String tenantId) {
        return prefix + ":tenant:{" + tenantId + "}";
    }

    /** Set of all tenant ids. */
    public String tenants() {
        return prefix + ":tenants";
    }

    /** String mapping the SHA-256 of an API key to its tenant. */
    public String apiKey(String keyHash) {
        return prefix + ":apikey:" + keyHash;
    }

    /** Hash holding a tenant's webhook secrets, encrypted. */
    public String webhookSecrets(String tenantId) {
        return prefix + ":secrets:{" + tenantId + "}";
    }

    /** Bucket4j state of a destination's pacing bucket. */
    public String domainBucket(String destination) {
        return prefix + ":bucket:{" + destination + "}";
    }

    /** Hash of a destination's learned or configured limits. */
    public String domainLimits(String destination) {
        return prefix + ":limits:{" + destination + "}";
    }

    /** Marker that a job's webhooks were handed off (dedupes redelivered result entries). */
    public String delivered(String jobId) {
        return prefix + ":delivered:{" + jobId + "}";
    }

    public String prefix() {
        return prefix;
    }
}
