package io.ezthrottle.api.stream;

import io.ezthrottle.api.auth.ApiKeyAuthentication;
import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.tenant.Tenant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/jobs/{id}/stream}: the live stream of one of the caller's jobs (informative: a cloud job's
 * webhooks go out as usual, see {@link JobStreamSessions}); another tenant's job is a 404.
 */
@RestController
public class JobStreamController {

    private final RedisJobStore jobs;
    private final JobStreamSessions sessions;

    public JobStreamController(RedisJobStore jobs, JobStreamSessions sessions) {
        this.jobs = jobs;
        this.sessions = sessions;
    }

    @GetMapping("/api/v1/jobs/{id}/stream")
    public Mono<Void> stream(@PathVariable String id, ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        if (!JobIds.plausible(id)) {
            return Mono.error(ApiException.notFound("job not found"));
        }
        return jobs.find(id)
                .filter(job -> job.tenantId().equals(tenant.id()))
                .switchIfEmpty(Mono.error(ApiException.notFound("job not found")))
                .flatMap(job -> sessions.serve(exchange.getResponse(), job));
    }
}
