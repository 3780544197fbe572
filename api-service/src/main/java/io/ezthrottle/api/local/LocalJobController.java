package io.ezthrottle.api.local;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.api.error.RequestBodies;
import io.ezthrottle.api.job.JobSubmissions;
import io.ezthrottle.api.job.Submission;
import io.ezthrottle.api.stream.JobStreamSessions;
import io.ezthrottle.core.egress.EgressPolicy;
import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobPayloadParser;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.redis.RedisJobStore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The local surface's job routes (compat-protocol §1.5–§1.7), mapped onto the same machinery as the cloud surface:
 * the same parser, idempotency, queue, workers, webhook dispatcher and live stream, for the fixed local tenant.
 * Jobs created here get the local webhook payload (§5.2).
 */
@RestController
@RequestMapping("/jobs")
@ConditionalOnProperty(name = "ezthrottle.local.enabled", havingValue = "true", matchIfMissing = true)
public class LocalJobController {

    private final RequestBodies bodies;
    private final JobPayloadParser parser;
    private final JobSubmissions submissions;
    private final RedisJobStore jobs;
    private final JobStreamSessions sessions;
    private final EgressPolicy egress;
    private final LocalTenant local;

    public LocalJobController(RequestBodies bodies, JobPayloadParser parser, JobSubmissions submissions,
                              RedisJobStore jobs, JobStreamSessions sessions, EgressPolicy egress, LocalTenant local) {
        this.bodies = bodies;
        this.parser = parser;
        this.submissions = submissions;
        this.jobs = jobs;
        this.sessions = sessions;
        this.egress = egress;
        this.local = local;
    }

    /** 201 {job_id, status} for a new job; 200 {job_id, status: "queued", duplicate: true} for a known key. */
    @PostMapping
    public Mono<ResponseEntity<Map<String, Object>>> submit(ServerWebExchange exchange) {
        return bodies.jsonObject(exchange.getRequest())
                .map(body -> {
                    LocalJobRequests.requireFields(body);
                    JobSpec spec = parser.parse(body);
                    refuseForbiddenLiterals(spec);
                    return spec;
                })
                .flatMap(spec -> submissions.submit(local.tenant(), spec, Surface.LOCAL))
                .map(LocalJobController::reply);
    }

    @GetMapping("/{id}")
    public Mono<Map<String, Object>> status(@PathVariable String id) {
        return own(id).map(LocalJobController::view);
    }

    @GetMapping("/{id}/stream")
    public Mono<Void> stream(@PathVariable String id, ServerWebExchange exchange) {
        return own(id).flatMap(job -> sessions.serve(exchange.getResponse(), job));
    }

    private Mono<JobRecord> own(String id) {
        if (!JobIds.plausible(id)) {
            return Mono.error(ApiException.notFound("job not found"));
        }
        return jobs.find(id)
                .filter(job -> local.owns(job.tenantId()))
                .switchIfEmpty(Mono.error(ApiException.notFound("job not found")));
    }

    /** IP literals and localhost are refused at once, as on the cloud surface; names are checked at call time. */
    private void refuseForbiddenLiterals(JobSpec spec) {
        egress.literalRefusal(java.net.URI.create(spec.url()).getHost())
                .ifPresent(reason -> {
                    throw ApiException.badRequest("url", "url " + reason);
                });
        spec.webhooks().forEach(w -> egress.literalRefusal(java.net.URI.create(w.url()).getHost())
                .ifPresent(reason -> {
                    throw ApiException.badRequest("webhook_url", "webhook_url " + reason);
                }));
    }

    /** Duplicates always say "queued", whatever the original's state (local behaviour, §1.5 step 3). */
    private static ResponseEntity<Map<String, Object>> reply(Submission submission) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", submission.job().id());
        body.put("status", "queued");
        if (submission.duplicate()) {
            body.put("duplicate", true);
            return ResponseEntity.ok(body);
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }

    private static Map<String, Object> view(JobRecord job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", job.id());
        body.put("status", LocalStates.of(job));
        body.put("url", job.spec().url());
        body.put("method", job.spec().method());
        body.put("created_at", job.createdAt());
        return body;
    }
}
