package io.ezthrottle.api.local;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.ApiProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health} of the local surface (compat-protocol §1.8): liveness plus the admission snapshot. Only the
 * body-size limit is enforced by this service, so that is the one limit reported; memory and job-store limits read
 * 0 (off). L8 signing is not implemented, so no {@code l8_*} members are claimed. Readiness, including Redis, is
 * {@code /actuator/health/readiness}.
 */
@RestController
@ConditionalOnProperty(name = "ezthrottle.local.enabled", havingValue = "true", matchIfMissing = true)
public class LocalHealthController {

    /** The base Retry-After a rejection would carry (§6.7); informational here. */
    private static final int RETRY_AFTER_SECONDS = 5;

    private final ApiProperties api;

    public LocalHealthController(ApiProperties api) {
        this.api = api;
    }

    @GetMapping("/health")
    public Map<String, Object> health() {
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> admission = new LinkedHashMap<>();
        admission.put("enabled", api.maxBodyBytes() > 0);
        admission.put("memory_mb", (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024));
        admission.put("memory_limit_mb", 0);
        admission.put("db_bytes", 0);
        admission.put("db_max_bytes", 0);
        admission.put("max_body_bytes", api.maxBodyBytes());
        admission.put("retry_after_seconds", RETRY_AFTER_SECONDS);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("admission", admission);
        return body;
    }
}
