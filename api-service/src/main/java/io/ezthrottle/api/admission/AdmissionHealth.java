package io.ezthrottle.api.admission;

import io.ezthrottle.api.ApiProperties;
import org.springframework.boot.health.contributor.Health;
import io.ezthrottle.api.ApiProperties;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Admission state in {@code /actuator/health} (component {@code admission}). Shedding is reported as UP with
 * {@code state: shedding}: the replica is working as designed and must stay in rotation to answer duplicates and
 * tell clients when to come back.
 */
@Component("admission")
public class AdmissionHealth implements ReactiveHealthIndicator {

    private final AdmissionControl admission;
    private final ApiProperties api;

    public AdmissionHealth(AdmissionControl admission, ApiProperties api) {
        this.admission = admission;
        this.api = api;
    }

    @Override
    public Mono<Health> health() {
        return Mono.fromSupplier(() -> {
            AdmissionSnapshot s = admission.snapshot();
            return Health.up()
                    .withDetail("enabled", s.enabled())
                    .withDetail("state", s.state())
                    .withDetail("queue_depth", s.queueDepth())
                    .withDetail("max_queue_depth", s.maxQueueDepth())
                    .withDetail("memory_mb", s.memoryMb())
                    .withDetail("memory_limit_mb", s.memoryLimitMb())
                    .withDetail("max_body_bytes", api.maxBodyBytes())
                    .withDetail("retry_after_seconds", s.retryAfterSeconds())
                    .build();
        });
    }
}
