package io.ezthrottle.api.local;

import java.util.List;

import io.ezthrottle.api.error.ApiException;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;

/**
 * The local surface's own required fields (compat-protocol §1.5), checked before the common job parser: in this
 * order, each missing when absent, null or {@code ""}, the first one missing answered with 400
 * {@code {"error": "<field> is required"}}.
 */
final class LocalJobRequests {

    private static final List<String> REQUIRED = List.of("user_id", "url", "method", "webhook_url", "idempotent_key");

    private LocalJobRequests() {
    }

    static void requireFields(JsonNode body) {
        for (String field : REQUIRED) {
            JsonNode v = body.get(field);
            if (v == null || v.isNull() || (v.isString() && v.stringValue().isEmpty())) {
                throw new ApiException(HttpStatus.BAD_REQUEST, field + " is required");
            }
        }
    }
}
