package io.ezthrottle.bench.scenario;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Job payloads the scenarios submit (compat-protocol §2: only {@code url} is required) and reading the replies. */
final class Jobs {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Jobs() {
    }

    /** A GET job without body or webhook, unique by its idempotency key. */
    static String get(String url, String key) {
        return "{\"url\":\"" + url + "\",\"method\":\"GET\",\"idempotent_key\":\"" + key + "\"}";
    }

    /** A GET job with one webhook and a little metadata: the shape of a typical submission, no request body. */
    static String withWebhook(String url, String key, String webhook) {
        return "{\"url\":\"" + url + "\",\"method\":\"GET\",\"idempotent_key\":\"" + key
                + "\",\"webhooks\":[{\"url\":\"" + webhook + "\"}],\"metadata\":{\"source\":\"bench\"}}";
    }

    /** {@link #withWebhook} with a method that is not an HTTP token: parsed in full, then refused (400). */
    static String invalidMethod(String url, String key, String webhook) {
        return withWebhook(url, key, webhook).replace("\"method\":\"GET\"", "\"method\":\"GET IT\"");
    }

    /** A GET job due no earlier than {@code retryAtMillis} (compat-protocol {@code retry_at}). */
    static String due(String url, String key, long retryAtMillis) {
        return "{\"url\":\"" + url + "\",\"method\":\"GET\",\"idempotent_key\":\"" + key + "\",\"retry_at\":"
                + retryAtMillis + "}";
    }

    static JsonNode json(String text) {
        return JSON.readTree(text);
    }
}
