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

    /**
     * Stream of attempts any region may run, consumed by the worker group. The queue keys share the {@code {q}} tag
     * so the delayed-entry pump can move entries between them atomically.
     */
    public String jobStream() {
        return prefix + ":{q}:jobs";
    }

    /** Stream of attempts that must run in one region. */
    public String regionStream(String region) {
        return prefix + ":{q}:jobs:" + region;
    }

    /** Sorted set of entries due later (retries, retry_at, workflow timers), scored by due time in ms. */
    public String delayed() {
        return prefix + ":{q}:delayed";
    }

    /** Sorted set of delayed entries being moved to a stream, scored by when the move started. */
    public String delayedMoving() {
        return prefix + ":{q}:delayed-moving";
    }

    /** Stream holding a destination's overflow (jobs beyond what workers keep in memory), per account queue. */
    public String overflow(String destination, String account) {
        return prefix + ":ovf:{" + destination + "}:" + account;
    }

    /** Set of overflow stream keys that may hold entries. */
    public String overflowIndex() {
        return prefix + ":ovf:index";
    }

    /** Sorted set of live workers ({@code region|consumer}) scored by heartbeat expiry in ms. */
    public String workers() {
        return prefix + ":workers";
    }

    /** Sorted set of a destination's requests in flight, scored by lease expiry in ms. */
    public String inFlight(String destination) {
        return prefix + ":inflight:{" + destination + "}";
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
    /** The destination's pacing bucket (one token per window of slots; named apart from the older per-slot layout). */
    public String domainBucket(String destination) {
        return prefix + ":window:{" + destination + "}";
    }

    /** Hash of a destination's learned or configured limits. */
    public String domainLimits(String destination) {
        return prefix + ":limits:{" + destination + "}";
    }

    /** Marker that a job's webhooks were handed off (dedupes redelivered result entries). */
    public String delivered(String jobId) {
        return prefix + ":delivered:{" + jobId + "}";
    }

    /**
     * Sorted set of scheduled webhook attempts of one delivery shard (member {@code <job id>#<webhook index>}, score
     * = epoch ms when due). Shards exist so a delivery's hash and its schedule share a hash tag (one script touches
     * both) while the load still spreads over a Redis Cluster.
     */
    public String deliveryDue(int shard) {
        return prefix + ":dlv:{d" + shard + "}:due";
    }

    /** Hash holding the delivery state of one job's webhooks (same hash tag as its shard's schedule). */
    public String delivery(int shard, String jobId) {
        return prefix + ":dlv:{d" + shard + "}:" + jobId;
    }

    /** Stream of a tenant's dead-lettered webhook deliveries. */
    public String deadLetters(String tenantId) {
        return prefix + ":dead:{" + tenantId + "}";
    }

    /** Set of tenants that have (or had) dead letters, for operator views. */
    public String deadLetterTenants() {
        return prefix + ":dead:tenants";
    }

    /** Hash holding the token bucket that paces webhook deliveries to one receiver domain. */
    public String receiverPace(String domain) {
        return prefix + ":wpace:{" + domain + "}";
    }

    /** Hash of a tenant's webhook delivery settings (signature scheme). */
    public String webhookSettings(String tenantId) {
        return prefix + ":whsettings:{" + tenantId + "}";
    }

    /** Pub/sub channel carrying job lifecycle nudges to live streams (never a queue: records are the truth). */
    public String jobEvents() {
        return prefix + ":events:jobs";
    }

    /** Hash of a tenant's API keys: SHA-256 of the key → {@code <prefix>|<created at>|<label>}. */
    public String tenantApiKeys(String tenantId) {
        return prefix + ":tenant:{" + tenantId + "}:keys";
    }

    /**
     * Counter of a tenant's accepted jobs in one calendar month ({@code period} = {@code 2026-11}, UTC). It shares
     * the tenant's hash tag with {@link #idempotency} so one script can claim a key and count the job together.
     */
    public String usage(String tenantId, String period) {
        return prefix + ":usage:{" + tenantId + "}:" + period;
    }

    /**
     * Hash of the console's users: login name → {@code <role>|<BCrypt hash>}. One key, so the console's guard rails
     * (never remove the last admin) are one script over all users; it holds operators, never tenant data, and has no
     * TTL.
     */
    public String consoleUsers() {
        return prefix + ":admin:users";
    }

    public String prefix() {
        return prefix;
    }
}
