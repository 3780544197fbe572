package io.ezthrottle.core.delivery;

import java.util.Locale;

/** Which signature headers a tenant's webhooks carry. Every scheme signs with the tenant's primary secret only. */
public enum SignatureScheme {
    /**
     * {@code X-EZThrottle-Signature: t=<unix s>,v1=<hex HMAC-SHA256("<t>.<body>")>}, keyed by the secret's UTF-8
     * bytes (compat-protocol §5.3): what the SDK verifiers expect. The default.
     */
    EZTHROTTLE("ezthrottle"),
    /**
     * Standard Webhooks ({@code webhook-id}, {@code webhook-timestamp}, {@code webhook-signature: v1,<base64
     * HMAC-SHA256("<id>.<t>.<body>")>}). Key: a secret of the form {@code whsec_<base64>} contributes the decoded
     * bytes (as the Standard Webhooks libraries do); any other secret its UTF-8 bytes.
     */
    STANDARD_WEBHOOKS("standard_webhooks"),
    /** Both header sets on every webhook, for receivers migrating from one to the other. */
    BOTH("both");

    private final String wire;

    SignatureScheme(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean ezthrottle() {
        return this != STANDARD_WEBHOOKS;
    }

    public boolean standard() {
        return this != EZTHROTTLE;
    }

    /** The scheme named {@code wire} (case-insensitive, {@code -} accepted for {@code _}), or null. */
    public static SignatureScheme fromWire(String wire) {
        if (wire == null) {
            return null;
        }
        String w = wire.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (SignatureScheme s : values()) {
            if (s.wire.equals(w)) {
                return s;
            }
        }
        return null;
    }
}
