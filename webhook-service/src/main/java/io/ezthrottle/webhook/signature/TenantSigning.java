package io.ezthrottle.webhook.signature;

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

    private final String primary;
    private final SignatureScheme scheme;
    private final WebhookSigner signer;
    private final byte[] standardKey;

    TenantSigning(String primary, SignatureScheme scheme, WebhookSigner signer) {
        this.primary = primary;
        this.scheme = scheme;
        this.signer = signer;
        this.standardKey = primary == null ? null : StandardWebhooksSigner.key(primary);
    }

    /** Signature headers for one attempt; {@code unixSeconds} is the attempt's own time, so every retry is re-signed. */
    public Map<String, String> headers(String messageId, long unixSeconds, byte[] body) {
        if (primary == null) {
            return Map.of();
        }
        Map<String, String> h = new LinkedHashMap<>();
        if (scheme.ezthrottle()) {
            h.put(WebhookSigner.HEADER, signer.signatureHeader(primary, unixSeconds, body));
        }
        if (scheme.standard()) {
            h.put(StandardWebhooksSigner.ID, messageId);
            h.put(StandardWebhooksSigner.TIMESTAMP, Long.toString(unixSeconds));
            h.put(StandardWebhooksSigner.SIGNATURE, StandardWebhooksSigner.signature(standardKey, messageId, unixSeconds, body));
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
