package io.ezthrottle.webhook.signature;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.core.delivery.SignatureScheme;
import io.ezthrottle.core.signing.WebhookSigner;

/**
 * How one tenant's webhooks are signed right now: its primary secret (never the secondary, which only exists for
 * receivers verifying during a rotation) and its chosen scheme. Without a secret nothing is signed (§5.3).
 */
public final class TenantSigning {

    static final TenantSigning UNSIGNED = new TenantSigning(null, SignatureScheme.EZTHROTTLE, null);

    private static final HexFormat HEX = HexFormat.of();

    private final String primary;
    private final SignatureScheme scheme;
    private final HmacKey ezthrottleKey;
    private final HmacKey standardKey;

    TenantSigning(String primary, SignatureScheme scheme, WebhookSigner signer) {
        this.primary = primary;
        this.scheme = scheme;
        // The same keys as WebhookSigner (the secret's UTF-8 bytes) and StandardWebhooksSigner (whsec_ decoded),
        // prepared once per cached tenant instead of once per delivery.
        this.ezthrottleKey = primary == null ? null : new HmacKey(primary.getBytes(StandardCharsets.UTF_8));
        this.standardKey = primary == null ? null : new HmacKey(StandardWebhooksSigner.key(primary));
    }

    /** Signature headers for one attempt; {@code unixSeconds} is the attempt's own time, so every retry is re-signed. */
    public Map<String, String> headers(String messageId, long unixSeconds, byte[] body) {
        if (primary == null) {
            return Map.of();
        }
        Map<String, String> h = new LinkedHashMap<>();
        if (scheme.ezthrottle()) {
            byte[] mac = ezthrottleKey.sign((unixSeconds + ".").getBytes(StandardCharsets.UTF_8), body);
            h.put(WebhookSigner.HEADER, "t=" + unixSeconds + ",v1=" + HEX.formatHex(mac));
        }
        if (scheme.standard()) {
            h.put(StandardWebhooksSigner.ID, messageId);
            h.put(StandardWebhooksSigner.TIMESTAMP, Long.toString(unixSeconds));
            byte[] mac = standardKey.sign((messageId + "." + unixSeconds + ".").getBytes(StandardCharsets.UTF_8), body);
            h.put(StandardWebhooksSigner.SIGNATURE, "v1," + Base64.getEncoder().encodeToString(mac));
        }
        return h;
    }

    public SignatureScheme scheme() {
        return scheme;
    }

    @Override
    public String toString() {
        return "TenantSigning[scheme=" + scheme.wire() + ", signed=" + (primary != null) + "]";
    }
}
