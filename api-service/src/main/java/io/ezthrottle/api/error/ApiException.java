package io.ezthrottle.api.error;

import java.util.Map;

import org.springframework.http.HttpStatus;

/** A request we refuse, with the status and JSON members of the reply. */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final Map<String, Object> extra;

    public ApiException(HttpStatus status, String message, Map<String, Object> extra) {
        super(message);
        this.status = status;
        this.extra = extra;
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

    public static ApiException tooLarge(int limit) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "request body too large", Map.of("limit_bytes", limit));
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, message, Map.of("field", field));
    }

    public static ApiException notFound(String message) {
        return new ApiException(HttpStatus.NOT_FOUND, message);
    }
}
