package io.ezthrottle.core.delivery;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/** Per-tenant webhook delivery settings in Redis; a tenant that set nothing gets {@link SignatureScheme#EZTHROTTLE}. */
public final class WebhookSettingsStore {

    private static final String SCHEME = "signature_scheme";

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;

    public WebhookSettingsStore(RedissonReactiveClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public Mono<SignatureScheme> scheme(String tenantId) {
        return redis.<String, String>getMap(keys.webhookSettings(tenantId), StringCodec.INSTANCE).get(SCHEME)
                .mapNotNull(SignatureScheme::fromWire)
                .defaultIfEmpty(SignatureScheme.EZTHROTTLE);
    }

    public Mono<Void> saveScheme(String tenantId, SignatureScheme scheme) {
        return redis.<String, String>getMap(keys.webhookSettings(tenantId), StringCodec.INSTANCE)
                .fastPut(SCHEME, scheme.wire()).then();
    }
}
