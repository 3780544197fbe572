package io.ezthrottle.core.tenant;

/**
 * What may be shown about an API key after it was issued: never the key itself, nor its hash.
 *
 * @param id        stable handle for revoking ({@code key_} + 16 hex characters of the key's SHA-256)
 * @param prefix    the key's first characters, so an operator can recognise it
 * @param label     free text given when the key was issued (may be empty)
 * @param createdAt epoch ms
 */
public record ApiKeyInfo(String id, String prefix, String label, long createdAt) {

    static ApiKeyInfo of(String hash, String stored) {
        // stored = "<prefix>|<created at>|<label>"; the label is last because it may itself contain '|'
        String[] parts = stored.split("\\|", 3);
        long created = 0;
        if (parts.length > 1) {
            try {
                created = Long.parseLong(parts[1]);
            } catch (NumberFormatException e) {
                created = 0;
            }
        }
        return new ApiKeyInfo(idOf(hash), parts[0], parts.length > 2 ? parts[2] : "", created);
    }

    static String idOf(String hash) {
        return "key_" + hash.substring(0, 16);
    }

    String stored() {
        return prefix + "|" + createdAt + "|" + label;
    }
}
