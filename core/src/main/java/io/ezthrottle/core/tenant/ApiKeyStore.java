package io.ezthrottle.core.tenant;

import java.time.Clock;
import java.util.Comparator;
import java.util.Map;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * API keys in Redis, stored only as SHA-256: {@link RedisKeys#apiKey} maps a key's hash to its tenant and
 * {@link RedisKeys#tenantApiKeys} lists a tenant's keys (hash → prefix, creation time, label).
 *
 * <p>Resolved keys are remembered briefly by {@link AuthenticatedKeys}; every write here tells it (and through it
 * every replica) before it completes, so a revoked key is refused by every replica from the next request on.
 */
public final class ApiKeyStore {

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final ApiKeys generator;
    private final Clock clock;
    private final AuthenticatedKeys authenticated;

    public ApiKeyStore(RedissonReactiveClient redis, RedisKeys keys, ApiKeys generator, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.generator = generator;
        this.clock = clock;
        // A channel, not a key: it sits beside the other event channels under the prefix.
        this.authenticated = new AuthenticatedKeys(redis, keys.prefix() + ":events:tenants");
    }

    /** The tenant id owning this key, or empty when it is unknown or revoked. Always reads Redis. */
    public Mono<String> tenantOf(String apiKey) {
        if (!plausibleKey(apiKey)) {
            return Mono.empty();
        }
        return tenantOfHash(ApiKeys.hash(apiKey));
    }

    static boolean plausibleKey(String apiKey) {
        return apiKey != null && !apiKey.isBlank() && apiKey.length() <= 256;
    }

    Mono<String> tenantOfHash(String keyHash) {
        return redis.<String>getBucket(keys.apiKey(keyHash), StringCodec.INSTANCE).get();
    }

    /** The replica's memory of resolved keys, shared with {@link TenantStore}, which changes tenants. */
    AuthenticatedKeys authenticated() {
        return authenticated;
    }

    /** Generates a new key for the tenant. The clear key is in the result and nowhere else. */
    public Mono<IssuedKey> issue(String tenantId, String label) {
        String apiKey = generator.generate();
        return add(tenantId, apiKey, label == null ? "" : label).map(info -> new IssuedKey(apiKey, info));
    }

    /** Attaches a key chosen by the caller (bootstrap, tests); idempotent for the same key and tenant. */
    public Mono<ApiKeyInfo> add(String tenantId, String apiKey, String label) {
        String hash = ApiKeys.hash(apiKey);
        ApiKeyInfo info = new ApiKeyInfo(ApiKeyInfo.idOf(hash), ApiKeys.prefix(apiKey), label, clock.millis());
        // The listing entry first: a key that resolves is always one an operator can see and revoke.
        return redis.<String, String>getMap(keys.tenantApiKeys(tenantId), StringCodec.INSTANCE)
                .fastPutIfAbsent(hash, info.stored())
                .then(redis.<String>getBucket(keys.apiKey(hash), StringCodec.INSTANCE).set(tenantId))
                // the key may have belonged to another tenant until now
                .then(authenticated.changed())
                .thenReturn(info);
    }

    /** The tenant's keys, oldest first. */
    public Flux<ApiKeyInfo> list(String tenantId) {
        return entries(tenantId)
                .flatMapIterable(Map::entrySet)
                .map(e -> ApiKeyInfo.of(e.getKey(), e.getValue()))
                .sort(Comparator.comparingLong(ApiKeyInfo::createdAt).thenComparing(ApiKeyInfo::id));
    }

    /** Revokes one key by its id; emits false when the tenant has no such key. */
    public Mono<Boolean> revoke(String tenantId, String keyId) {
        return entries(tenantId)
                .flatMapIterable(Map::keySet)
                .filter(hash -> ApiKeyInfo.idOf(hash).equals(keyId))
                .next()
                .flatMap(hash -> forget(tenantId, hash).thenReturn(true))
                .defaultIfEmpty(false);
    }

    /** Revokes every key of the tenant; emits how many there were. */
    public Mono<Long> revokeAll(String tenantId) {
        return entries(tenantId)
                .flatMapIterable(Map::keySet)
                .concatMap(hash -> forget(tenantId, hash))
                .count();
    }

    private Mono<Map<String, String>> entries(String tenantId) {
        return redis.<String, String>getMap(keys.tenantApiKeys(tenantId), StringCodec.INSTANCE).readAllMap();
    }

    /**
     * The key stops resolving first (that is the revocation; every replica forgets it before this goes on), then
     * leaves the listing. The two keys live in
     * different hash slots, so this is two commands; a crash in between leaves a listed key that no longer works,
     * which a second revoke cleans up.
     */
    private Mono<Void> forget(String tenantId, String hash) {
        return redis.<String>getBucket(keys.apiKey(hash), StringCodec.INSTANCE).compareAndSet(tenantId, null)
                .then(authenticated.changed())
                .then(redis.<String, String>getMap(keys.tenantApiKeys(tenantId), StringCodec.INSTANCE).fastRemove(hash))
                .then();
    }
}
