package io.ezthrottle.api.error;

import java.util.Map;

import io.ezthrottle.core.job.InvalidJobException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns refusals into {@code {"error": ...}} JSON replies; anything unexpected becomes a logged 500. */
@RestControllerAdvice
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler({ApiException.class, InvalidJobException.class})
    ResponseEntity<Map<String, Object>> refused(RuntimeException e) {
        return ApiErrors.reply(e).orElseThrow();
    }

    @ExceptionHandler(org.redisson.client.RedisException.class)
    ResponseEntity<Map<String, Object>> redisDown(org.redisson.client.RedisException e) {
        // Redis is our queue: without it nothing can be accepted safely, so refuse rather than half-write.
        log.error("redis unavailable: {}", e.toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "5")
                .body(Map.of("error", "service temporarily unavailable"));
    }
}
