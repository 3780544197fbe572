package io.ezthrottle.core.tenant;

/**
 * A freshly generated API key: the only moment the key exists in clear outside the client's hands.
 *
 * @param apiKey the key; show it once, never log or store it
 * @param info   what can be shown about it later
 */
public record IssuedKey(String apiKey, ApiKeyInfo info) {

    @Override
    public String toString() {
        // records print every component; this one must never reach a log line
        return "IssuedKey[" + info + "]";
    }
}
