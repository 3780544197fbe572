package io.ezthrottle.core.secret;

/**
 * A tenant's webhook signing secrets. Webhooks are signed with the primary only; the secondary exists so
 * receivers can verify during a rotation.
 */
public record WebhookSecrets(String primary, String secondary) {

    /** Minimum secret length (compat-protocol §1.4). */
    public static final int MIN_LENGTH = 16;

    /** First 4 + {@code ****} + last 4: the literal {@code ****} is what the SDK rotate helpers look for. */
    public static String mask(String secret) {
        if (secret == null) {
            return null;
        }
        if (secret.length() < 8) {
            return "****";
        }
        return secret.substring(0, 4) + "****" + secret.substring(secret.length() - 4);
    }

    @Override
    public String toString() {
        return "WebhookSecrets[primary=" + mask(primary) + ", secondary=" + mask(secondary) + "]";
    }
}
