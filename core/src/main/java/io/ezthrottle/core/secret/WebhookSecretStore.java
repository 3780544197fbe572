package io.ezthrottle.core.secret;

import java.util.HashMap;
import java.util.Map;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/** Per-tenant webhook secrets in Redis, encrypted by {@link SecretCipher}; plaintext exists only in memory. */
public final class WebhookSecretStore {

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final SecretCipher cipher;

    public WebhookSecretStore(RedissonReactiveClient redis, RedisKeys keys, SecretCipher cipher) {
        this.redis = redis;
        this.keys = keys;
        this.cipher = cipher;
    }

    /** Replaces both secrets at once (a missing secondary removes the old one). */
    public Mono<Void> save(String tenantId, WebhookSecrets secrets) {
        Map<String, String> fields = new HashMap<>();
        fields.put("primary", cipher.encrypt(tenantId, secrets.primary()));
        if (secrets.secondary() != null) {
            fields.put("secondary", cipher.encrypt(tenantId, secrets.secondary()));
        }
        return redis.getScript(StringCodec.INSTANCE).eval(org.redisson.api.RScript.Mode.READ_WRITE,
                """
                redis.call('DEL', KEYS[1])
                redis.call('HSET', KEYS[1], 'primary', ARGV[1])
                if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'secondary', ARGV[2]) end
                return 1
                """, org.redisson.api.RScript.ReturnType.LONG, java.util.List.of(keys.webhookSecrets(tenantId)),
                fields.get("primary"), fields.getOrDefault("secondary", "")).then();
    }

    public Mono<WebhookSecrets> find(String tenantId) {
        return redis.<String, String>getMap(keys.webhookSecrets(tenantId), StringCodec.INSTANCE).readAllMap()
                .filter(m -> m.containsKey("primary"))
                .map(m -> new WebhookSecrets(cipher.decrypt(tenantId, m.get("primary")),
                        m.get("secondary") == null ? null : cipher.decrypt(tenantId, m.get("secondary"))));
    }

    public Mono<Boolean> delete(String tenantId) {
        return redis.<String, String>getMap(keys.webhookSecrets(tenantId), StringCodec.INSTANCE).delete();
    }
}
