package io.ezthrottle.admin.secrets;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

import io.ezthrottle.core.secret.WebhookSecretStore;
import io.ezthrottle.core.secret.WebhookSecrets;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Sets or rotates a tenant's webhook signing secret. Rotating keeps the old primary as secondary (receivers verify
 * against both while they switch) for the grace period, after which {@link GracePeriods} removes it. A secret the
 * console generates has 256 random bits.
 */
@Component
class SecretRotation {

    private final WebhookSecretStore secrets;
    private final GracePeriods grace;
    private final SecureRandom random = new SecureRandom();

    SecretRotation(WebhookSecretStore secrets, GracePeriods grace) {
        this.secrets = secrets;
        this.grace = grace;
    }

    /** A new random secret in the {@code whsec_} form the SDKs expect. */
    String generate() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Makes {@code newSecret} the primary. With a primary already set it becomes the secondary and the grace period
     * starts; emits whether that happened (false: first secret).
     */
    Mono<Boolean> rotate(String tenantId, String newSecret, Duration gracePeriod) {
        if (newSecret.length() < WebhookSecrets.MIN_LENGTH) {
            return Mono.error(new IllegalArgumentException("a webhook secret has at least " + WebhookSecrets.MIN_LENGTH + " characters"));
        }
        return secrets.find(tenantId)
                .map(old -> old.primary())
                .flatMap(old -> {
                    if (old.equals(newSecret)) {
                        return Mono.error(new IllegalArgumentException("the new secret is the current one"));
                    }
                    return secrets.save(tenantId, new WebhookSecrets(newSecret, old))
                            .then(grace.start(tenantId, gracePeriod))
                            .thenReturn(true);
                })
                .switchIfEmpty(Mono.defer(() -> secrets.save(tenantId, new WebhookSecrets(newSecret, null))
                        .then(grace.forget(tenantId)).thenReturn(false)));
    }

    Mono<Boolean> delete(String tenantId) {
        return secrets.delete(tenantId).flatMap(deleted -> grace.forget(tenantId).thenReturn(deleted));
    }
}
