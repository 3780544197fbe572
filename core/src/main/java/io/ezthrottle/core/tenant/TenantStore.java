package io.ezthrottle.core.tenant;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tenants in Redis: one hash per tenant ({@code name}, {@code tier}, {@code created_at}) plus the set of all ids.
 * Keys are kept by the {@link ApiKeyStore}; a key resolves to its tenant through it. Authentication answers are
 * remembered briefly ({@link AuthenticatedKeys}); every change here or there makes every replica forget them
 * before it completes, so a revoked key or a changed tier takes effect on every replica at the next request.
 */
public final class TenantStore {

    /** Tenant ids end up inside Redis hash tags and URLs: a strict alphabet keeps both safe. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final ApiKeyStore apiKeys;
    private final AuthenticatedKeys authenticated;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public TenantStore(RedissonReactiveClient redis, RedisKeys keys, ApiKeyStore apiKeys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.apiKeys = apiKeys;
        this.authenticated = apiKeys.authenticated();
        this.clock = clock;
    }

    /** Whether a string can be a tenant id (checked before it goes near a Redis key). */
    public static boolean plausibleId(String tenantId) {
        return tenantId != null && ID.matcher(tenantId).matches();
    }

    public Mono<Tenant> find(String tenantId) {
        if (!plausibleId(tenantId)) {
            return Mono.empty();
        }
        return redis.<String, String>getMap(keys.tenant(tenantId), StringCodec.INSTANCE).readAllMap()
                .filter(m -> m.containsKey("tier"))
                .map(m -> new Tenant(tenantId, m.getOrDefault("name", tenantId), Tier.fromWire(m.get("tier")),
                        Long.parseLong(m.getOrDefault("created_at", "0"))));
    }

    /** Every tenant, oldest first. */
    public Flux<Tenant> list() {
        return redis.<String>getSet(keys.tenants(), StringCodec.INSTANCE).readAll()
                .flatMapIterable(ids -> ids)
                .flatMap(this::find, 16)
                .sort(Comparator.comparingLong(Tenant::createdAt).thenComparing(Tenant::id));
    }

    /** The tenant owning this API key, or empty when the key is unknown or revoked. */
    public Mono<Tenant> authenticate(String apiKey) {
        if (!ApiKeyStore.plausibleKey(apiKey)) {
            return Mono.empty();
        }
        String hash = ApiKeys.hash(apiKey);
        Tenant known = authenticated.get(hash);
        if (known != null) {
            return Mono.just(known);
        }
        long generation = authenticated.generation();
        return apiKeys.tenantOfHash(hash).flatMap(this::find)
                .doOnNext(tenant -> authenticated.remember(hash, tenant, generation));
    }

    /** Creates a tenant with a new random id. */
    public Mono<Tenant> create(String name, Tier tier) {
        StringBuilder id = new StringBuilder("cust_");
        for (int i = 0; i < 20; i++) {
            id.append(ID_ALPHABET[random.nextInt(ID_ALPHABET.length)]);
        }
        return upsert(id.toString(), name, tier);
    }

    /** Creates the tenant if missing, otherwise sets its name and tier (its keys, jobs and usage are kept). */
    public Mono<Tenant> upsert(String tenantId, String name, Tier tier) {
        requireId(tenantId);
        var map = redis.<String, String>getMap(keys.tenant(tenantId), StringCodec.INSTANCE);
        return map.fastPutIfAbsent("created_at", Long.toString(clock.millis()))
                .then(map.putAll(Map.of("name", name, "tier", tier.wire())))
                .then(redis.<String>getSet(keys.tenants(), StringCodec.INSTANCE).add(tenantId))
                .then(authenticated.changed())
                .then(find(tenantId));
    }

    /** Changes name and/or tier (null leaves a field as it is) of an existing tenant; empty when there is none. */
    public Mono<Tenant> update(String tenantId, String name, Tier tier) {
        return find(tenantId).flatMap(existing -> {
            Map<String, String> changes = new HashMap<>();
            if (name != null) {
                changes.put("name", name);
            }
            if (tier != null) {
                changes.put("tier", tier.wire());
            }
            return changes.isEmpty() ? Mono.just(existing)
                    : redis.<String, String>getMap(keys.tenant(tenantId), StringCodec.INSTANCE).putAll(changes)
                            .then(authenticated.changed())
                            .then(find(tenantId));
        });
    }

    /**
     * Deletes a tenant: its keys stop working first, then its description and webhook secrets go. Its jobs and
     * usage counters are left to expire with their TTLs (workers may still be finishing them). Emits false when
     * there was no such tenant.
     */
    public Mono<Boolean> delete(String tenantId) {
        return find(tenantId)
                .flatMap(t -> apiKeys.revokeAll(tenantId)
                        .then(redis.getKeys().delete(keys.tenant(tenantId), keys.tenantApiKeys(tenantId),
                                keys.webhookSecrets(tenantId)))
                        .then(redis.<String>getSet(keys.tenants(), StringCodec.INSTANCE).remove(tenantId))
                        .then(authenticated.changed())
                        .thenReturn(true))
                .defaultIfEmpty(false);
    }

    /** Attaches an API key chosen by the caller to a tenant (idempotent for the same key and tenant). */
    public Mono<Void> addKey(String tenantId, String apiKey) {
        requireId(tenantId);
        return apiKeys.add(tenantId, apiKey, "").then();
    }

    /**
     * The tenant created for {@code EZTHROTTLE_BOOTSTRAP_API_KEY}: its id derives from the key's hash, so every
     * replica starting with the same key reaches the same tenant without coordination. Created with the top tier;
     * a tier or name an operator set later is kept across restarts.
     */
    public Mono<Tenant> bootstrap(String apiKey) {
        String tenantId = "cust_" + ApiKeys.hash(apiKey).substring(0, 16);
        var map = redis.<String, String>getMap(keys.tenant(tenantId), StringCodec.INSTANCE);
        return map.fastPutIfAbsent("created_at", Long.toString(clock.millis()))
                .then(map.fastPutIfAbsent("name", "bootstrap"))
                .then(map.fastPutIfAbsent("tier", Tier.top().wire()))
                .then(redis.<String>getSet(keys.tenants(), StringCodec.INSTANCE).add(tenantId))
                .then(apiKeys.add(tenantId, apiKey, "bootstrap"))
                .then(find(tenantId));
    }

    private static void requireId(String tenantId) {
        if (!plausibleId(tenantId)) {
            throw new IllegalArgumentException("tenant id must match " + ID.pattern());
        }
    }
}
