package io.ezthrottle.core.signing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs webhook bodies as {@code X-EZThrottle-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256("<t>.<body>")>}
 * (compat-protocol §5.3). The secret's UTF-8 bytes are the key; the hex is lower case.
 */
public final class WebhookSigner {

    public static final String HEADER = "X-EZThrottle-Signature";

    public String signatureHeader(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + hmacHex(secret, unixSeconds + ".", body);
    }

    /** Lower-case hex HMAC-SHA256 of {@code prefix} followed by {@code body}. */
    public String hmacHex(String secret, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
