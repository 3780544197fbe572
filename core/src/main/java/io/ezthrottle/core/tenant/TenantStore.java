package io.ezthrottle.core.tenant;

import java.time.Clock;
import java.util.Map;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Tenants and their API keys in Redis. A key resolves to its tenant through {@code ezt:apikey:<sha256>}; the raw
 * key is never stored. Lookups read Redis each time, so a revoked key stops working on every replica at once.
 */
public final class TenantStore {

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final Clock clock;

    public TenantStore(RedissonReactiveClient redis, RedisKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    public Mono<Tenant> find(String tenantId) {
        return redis.<String, String>getMap(keys.tenant(tenantId), StringCodec.INSTANCE).readAllMap()
                .filter(m -> m.containsKey("tier"))
                .map(m -> new Tenant(tenantId, m.getOrDefault("name", tenantId), Tier.fromWire(m.get("tier")),
                        Long.parseLong(m.getOrDefault("created_at", "0"))));
    }

    /** The tenant owning this API key, or empty when the key is unknown or revoked. */
    public Mono<Tenant> authenticate(String apiKey) {
        if (apiKey == null || apiKey.isBlank() || apiKey.length() > 256) {
            return Mono.empty();
        }
        return redis.<String>getBucket(keys.apiKey(ApiKeys.hash(apiKey)), StringCodec.INSTANCE).get()
                .flatMap(this::find);
    }

    /** Creates the tenant if missing (never downgrades an existing one's data) and stores the tier. */
    public Mono<Tenant> upsert(String tenantId, String name, Tier tier) {
        var map = redis.<String, String>getMap(keys.tenant(tenantId), StringCodec.INSTANCE);
        return map.fastPutIfAbsent("created_at", Long.toString(clock.millis()))
                .then(map.putAll(Map.of("name", name, "tier", tier.wire())))
                .then(redis.<String>getSet(keys.tenants(), StringCodec.INSTANCE).add(tenantId))
                .then(find(tenantId));
    }

    /** Attaches an API key to a tenant (idempotent for the same key and tenant). */
    public Mono<Void> addKey(String tenantId, String apiKey) {
        String hash = ApiKeys.hash(apiKey);
        return redis.<String>getBucket(keys.apiKey(hash), StringCodec.INSTANCE).set(tenantId)
                .then(redis.<String, String>getMap(keys.tenant(tenantId) + ":keys", StringCodec.INSTANCE)
                        .fastPut(hash, ApiKeys.prefix(apiKey) + "|" + clock.millis()))
                .then();
    }

    /**
     * The tenant created for {@code EZTHROTTLE_BOOTSTRAP_API_KEY}: its id derives from the key's hash, so every
     * replica starting with the same key reaches the same tenant without coordination.
     */
    public Mono<Tenant> bootstrap(String apiKey) {
        String tenantId = "cust_" + ApiKeys.hash(apiKey).substring(0, 16);
        return upsert(tenantId, "bootstrap", Tier.top()).flatMap(t -> addKey(tenantId, apiKey).thenReturn(t));
    }
}
