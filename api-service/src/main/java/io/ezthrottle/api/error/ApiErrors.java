package io.ezthrottle.api.error;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.ezthrottle.core.job.InvalidJobException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;

/**
 * The one mapping from a refusal to its HTTP reply ({@code {"error": ...}} plus members), shared by the
 * exception handler and by the SDK proxy, which must produce the very same inner reply for its envelope.
 */
public final class ApiErrors {

    private ApiErrors() {
    }

    /** The reply for an expected refusal, or empty for anything else (a bug or an outage, handled elsewhere). */
    public static Optional<ResponseEntity<Map<String, Object>>> reply(Throwable error) {
        if (error instanceof ApiException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            body.putAll(e.extra());
            var builder = ResponseEntity.status(e.status());
            if (e.retryAfterSeconds() != null) {
                builder.header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
            }
            return Optional.of(builder.body(body));
        }
        if (error instanceof InvalidJobException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.getMessage());
            body.put("field", e.field());
            return Optional.of(ResponseEntity.badRequest().body(body));
        }
        return Optional.empty();
    }
}
