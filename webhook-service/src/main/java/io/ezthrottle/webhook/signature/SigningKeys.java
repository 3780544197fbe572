package io.ezthrottle.webhook.signature;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.ezthrottle.core.delivery.WebhookSettingsStore;
import io.ezthrottle.core.secret.WebhookSecretStore;
import io.ezthrottle.core.secret.WebhookSecrets;
import io.ezthrottle.core.signing.WebhookSigner;
import io.ezthrottle.webhook.WebhookProperties;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Looks up how a tenant's webhooks are signed, reusing the answer for {@code signing-cache-ttl}: at thousands of
 * deliveries per second, reading and decrypting the secret for every attempt would double the Redis traffic of a
 * delivery. Plaintext secrets exist only in this cache's memory, never in logs ({@link TenantSigning#toString()}).
 */
@Component
public class SigningKeys {

    private record Cached(TenantSigning signing, long expiresAt) {
    }

    private final WebhookSecretStore secrets;
    private final WebhookSettingsStore settings;
    private final WebhookSigner signer;
    private final Clock clock;
    private final long ttlMillis;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public SigningKeys(WebhookSecretStore secrets, WebhookSettingsStore settings, WebhookSigner signer, Clock clock,
                       WebhookProperties properties) {
        this.secrets = secrets;
        this.settings = settings;
        this.signer = signer;
        this.clock = clock;
        this.ttlMillis = properties.signingCacheTtl().toMillis();
    }

    public Mono<TenantSigning> forTenant(String tenantId) {
        long now = clock.millis();
        Cached hit = cache.get(tenantId);
        if (hit != null && hit.expiresAt() > now) {
            return Mono.just(hit.signing());
        }
        return Mono.zip(secrets.find(tenantId).map(WebhookSecrets::primary).defaultIfEmpty(""), settings.scheme(tenantId))
                .map(t -> t.getT1().isEmpty() ? TenantSigning.UNSIGNED : new TenantSigning(t.getT1(), t.getT2(), signer))
                .doOnNext(s -> {
                    if (ttlMillis > 0) {
                        if (cache.size() > 100_000) {
                            cache.clear(); // bound memory; a miss only costs a read
                        }
                        cache.put(tenantId, new Cached(s, now + ttlMillis));
                    }
                });
    }

    /** For tests and operators: forget cached keys at once (e.g. right after a rotation). */
    public void forget(String tenantId) {
        cache.remove(tenantId);
    }
}
