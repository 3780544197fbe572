package io.ezthrottle.api.error;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpStatus;

/**
 * A request we refuse, with the status and JSON members of the reply. A refusal that the client should retry later
 * carries {@link #retryAfterSeconds()}: it becomes the integer {@code Retry-After} header, and the body's
 * {@code retry_at} (epoch ms) agrees with it, as every SDK expects (compat-protocol §1.2).
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final Map<String, Object> extra;
    private final Long retryAfterSeconds;

    public ApiException(HttpStatus status, String message, Map<String, Object> extra, Long retryAfterSeconds) {
        // no stack trace: these are expected outcomes, thrown per request, never bugs
        super(message, null, false, false);
        this.status = status;
        this.extra = extra;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiException(HttpStatus status, String message, Map<String, Object> extra) {
        this(status, message, extra, null);
    }

    public ApiException(HttpStatus status, String message) {
        this(status, message, Map.of());
    }

    public HttpStatus status() {
        return status;
    }

    public Map<String, Object> extra() {
        return extra;
    }

    /** Seconds the client should wait, or null when retrying will not help. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public static ApiException tooLarge(int limit) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "request body too large", Map.of("limit_bytes", limit));
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, message, Map.of("field", field));
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, message);
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, message, Map.of("field", "Content-Type"));
    }

    /**
     * 429: try again at {@code retryAtMillis}, which is {@code retryAfterSeconds} from now; {@code details} become
     * extra members after {@code error} and {@code retry_at}.
     */
    public static ApiException tooManyRequests(String message, long retryAfterSeconds, long retryAtMillis,
                                               Map<String, Object> details) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("retry_at", retryAtMillis);
        extra.putAll(details);
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, message, extra, retryAfterSeconds);
    }
}
