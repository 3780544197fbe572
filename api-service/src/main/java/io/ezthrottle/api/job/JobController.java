package io.ezthrottle.api.job;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.auth.ApiKeyAuthentication;
import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.api.error.RequestBodies;
import io.ezthrottle.core.egress.EgressPolicy;
import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobPayloadParser;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.tenant.Tenant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** {@code POST /api/v1/jobs} (compat-protocol §1.3) and {@code GET /api/v1/jobs/{id}}. */
@RestController
@RequestMapping("/api/v1/jobs")
public class JobController {

    private final RequestBodies bodies;
    private final JobPayloadParser parser;
    private final JobSubmissions submissions;
    private final RedisJobStore jobs;
    private final EgressPolicy egress;

    public JobController(RequestBodies bodies, JobPayloadParser parser, JobSubmissions submissions, RedisJobStore jobs,
                         EgressPolicy egress) {
        this.bodies = bodies;
        this.parser = parser;
        this.submissions = submissions;
        this.jobs = jobs;
        this.egress = egress;
    }

    @PostMapping
    public Mono<ResponseEntity<Map<String, Object>>> submit(ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        return bodies.jsonObject(exchange.getRequest())
                .map(parser::parse)
                .doOnNext(this::checkEgress)
                .flatMap(spec -> submissions.submit(tenant, spec, Surface.CLOUD))
                .map(JobController::reply);
    }

    @GetMapping("/{id}")
    public Mono<Map<String, Object>> status(@PathVariable String id, ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        if (!JobIds.plausible(id)) {
            return Mono.error(ApiException.notFound("job not found"));
        }
        return jobs.find(id)
                .filter(job -> job.tenantId().equals(tenant.id()))
                .map(JobController::view)
                .switchIfEmpty(Mono.error(ApiException.notFound("job not found")));
    }

    /** Refuses, at submission, targets that are forbidden without even resolving a name (IP literals, localhost). */
    private void checkEgress(JobSpec spec) {
        check(spec, "");
    }

    private void check(JobSpec spec, String path) {
        egress.literalRefusal(java.net.URI.create(spec.url()).getHost())
                .ifPresent(reason -> {
                    throw ApiException.badRequest(path + "url", path + "url " + reason);
                });
        for (int i = 0; i < spec.webhooks().size(); i++) {
            String field = path + "webhooks[" + i + "].url";
            egress.literalRefusal(java.net.URI.create(spec.webhooks().get(i).url()).getHost())
                    .ifPresent(reason -> {
                        throw ApiException.badRequest(field, field + " " + reason);
                    });
        }
        if (spec.fallbackJob() != null) {
            check(spec.fallbackJob(), path + "fallback_job.");
        }
        if (spec.onSuccess() != null) {
            check(spec.onSuccess(), path + "on_success.");
        }
        if (spec.onFailure() != null) {
            check(spec.onFailure(), path + "on_failure.");
        }
    }

    private static ResponseEntity<Map<String, Object>> reply(Submission submission) {
        JobRecord job = submission.job();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", job.id());
        body.put("idempotent_key", job.idempotentKey());
        body.put("status", job.spec().submissionStatus());
        body.put("queued_at", job.createdAt());
        if (submission.duplicate()) {
            body.put("duplicate", true);
            return ResponseEntity.ok(body);
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }

    static Map<String, Object> view(JobRecord job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", job.id());
        body.put("idempotent_key", job.idempotentKey());
        body.put("status", job.state().wire());
        body.put("url", job.spec().url());
        body.put("method", job.spec().method());
        body.put("created_at", job.createdAt());
        body.put("updated_at", job.updatedAt());
        body.put("attempts", job.attempts());
        if (job.response() != null) {
            body.put("status_code", job.response().statusCode());
        }
        if (job.error() != null) {
            body.put("error", job.error());
        }
        if (job.parentJobId() != null) {
            body.put("parent_job_id", job.parentJobId());
        }
        return body;
    }
}
