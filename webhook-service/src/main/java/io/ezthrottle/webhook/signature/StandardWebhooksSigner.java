package io.ezthrottle.webhook.signature;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signing (standardwebhooks.com): {@code webhook-signature: v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">}.
 *
 * <p>Key handling: a secret written as {@code whsec_<base64>} contributes the decoded bytes, exactly as the Standard
 * Webhooks libraries read such a secret, so a receiver can hand the same string to its library. Any other secret
 * (our secrets are free-form strings of 16+ characters) contributes its UTF-8 bytes; such a receiver passes those
 * raw bytes to its library instead of the string.
 */
public final class StandardWebhooksSigner {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    private static final String PREFIX = "whsec_";

    private StandardWebhooksSigner() {
    }

    /** The HMAC key bytes a secret stands for. */
    public static byte[] key(String secret) {
        if (secret.startsWith(PREFIX) && secret.length() > PREFIX.length()) {
            try {
                byte[] decoded = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
                if (decoded.length > 0) {
                    return decoded;
                }
            } catch (IllegalArgumentException notBase64) {
                // not a whsec key after all: fall through to the plain-string rule
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code webhook-signature} value for one message. */
    public static String signature(byte[] key, String messageId, long unixSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((messageId + "." + unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
