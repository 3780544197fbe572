package io.ezthrottle.api.local;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.ApiProperties;
import io.ezthrottle.api.admission.AdmissionControl;
import io.ezthrottle.api.admission.AdmissionSnapshot;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health} of the local surface (compat-protocol §1.8): liveness plus the admission snapshot, with the
 * members §1.8 lists, read from the same admission control that decides 429s, so what it reports is what the next
 * submission meets.
 *
 * <p>Mapping onto this platform: {@code memory_mb} / {@code memory_limit_mb} are this replica's used heap and
 * {@code EZTHROTTLE_MEMORY_LIMIT_MB}; the job store is Redis, which has no directory to measure, so its ceiling is
 * the queue depth ({@code EZTHROTTLE_MAX_QUEUE_DEPTH}): {@code db_bytes} / {@code db_max_bytes} read 0 (no such
 * ceiling) and the extra members {@code queue_depth} / {@code max_queue_depth} / {@code state} carry it.
 * {@code enabled} is true when any of the limits is set (the body limit always is, 1 MiB by default), and
 * {@code retry_after_seconds} is what a refusal would carry now (it doubles while refusals continue). L8 signing is
 * not implemented, so no {@code l8_*} members are claimed. Readiness, including Redis, is
 * {@code /actuator/health/readiness}.
 */
@RestController
@ConditionalOnProperty(name = "ezthrottle.local.enabled", havingValue = "true", matchIfMissing = true)
public class LocalHealthController {

    private final ApiProperties api;
    private final AdmissionControl admission;

    public LocalHealthController(ApiProperties api, AdmissionControl admission) {
        this.api = api;
        this.admission = admission;
    }

    @GetMapping("/health")
    public Map<String, Object> health() {
        AdmissionSnapshot s = admission.snapshot();
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("enabled", s.enabled() || api.maxBodyBytes() > 0);
        a.put("memory_mb", s.memoryMb());
        a.put("memory_limit_mb", s.memoryLimitMb());
        a.put("db_bytes", 0);
        a.put("db_max_bytes", 0);
        a.put("max_body_bytes", api.maxBodyBytes());
        a.put("retry_after_seconds", s.retryAfterSeconds());
        a.put("state", s.state());
        if (s.queueDepth() >= 0) {
            a.put("queue_depth", s.queueDepth()); // sampled only while a depth ceiling is set
        }
        a.put("max_queue_depth", s.maxQueueDepth());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("admission", a);
        return body;
    }
}
