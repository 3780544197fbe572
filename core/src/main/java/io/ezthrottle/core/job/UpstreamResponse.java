package io.ezthrottle.core.job;

import java.util.Map;

/**
 * What the upstream answered: status, headers (lower-case names, repeated ones joined with ", "), body text.
 */
public record UpstreamResponse(int statusCode, Map<String, String> headers, String body) {
    public UpstreamResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    public boolean successful() {
        return statusCode >= 200 && statusCode < 300;
    }
}
