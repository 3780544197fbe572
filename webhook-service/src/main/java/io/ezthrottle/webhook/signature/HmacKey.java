package io.ezthrottle.webhook.signature;

import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An HMAC-SHA256 key ready to sign: the {@link Mac} is looked up and keyed once, and every signature works on a clone
 * of it (a Mac is not thread-safe). Looking the algorithm up and keying it for every delivery was a measurable
 * share of a delivery's CPU at thousands per second.
 */
final class HmacKey {

    private final byte[] key;
    private final Mac prototype;

    HmacKey(byte[] key) {
        this.key = key.clone();
        this.prototype = fresh(this.key);
    }

    /** HMAC-SHA256 of {@code prefix} followed by {@code body}. */
    byte[] sign(byte[] prefix, byte[] body) {
        Mac mac;
        try {
            mac = (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            mac = fresh(key); // a provider without cloning: key a new one (slower, same result)
        }
        mac.update(prefix);
        return mac.doFinal(body);
    }

    private static Mac fresh(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
