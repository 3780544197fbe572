package io.ezthrottle.api.job;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.auth.ApiKeyAuthentication;
import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.api.error.RequestBodies;
import io.ezthrottle.api.openapi.ApiDocs;
import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobPayloadParser;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.throttle.Destination;
import io.ezthrottle.core.throttle.DomainLimitsStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(name = "Jobs", description = "Submit outbound calls as jobs and follow them")
public class JobController {

    private final RequestBodies bodies;
    private final JobPayloadParser parser;
    private final JobSubmissions submissions;
    private final RedisJobStore jobs;
    private final SubmissionEgressCheck egress;
    private final DomainLimitsStore domainLimits;

    public JobController(RequestBodies bodies, JobPayloadParser parser, JobSubmissions submissions, RedisJobStore jobs,
                         SubmissionEgressCheck egress, DomainLimitsStore domainLimits) {
        this.bodies = bodies;
        this.parser = parser;
        this.submissions = submissions;
        this.jobs = jobs;
        this.egress = egress;
        this.domainLimits = domainLimits;
    }

    @PostMapping
    @Operation(summary = "Submit a job",
            description = "The job payload of compat-protocol §2 (snake_case or camelCase at every level; only `url` is"
                    + " required). 201 for a new job, 200 with `duplicate: true` for a repeat of a known"
                    + " `idempotent_key` (or of the same method+url+body when no key is given). A job that fails the"
                    + " moment it is accepted (a `strict` region that is unavailable) is answered 201 with"
                    + " `status: \"failed\"` and `error`; its failed webhook is sent. Header"
                    + " `X-EZThrottle-Account-Queue` / `X-Aqueduct-Account-Queue: enabled|disabled` switches the"
                    + " destination's per-tenant queues.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, content = @Content(
                    mediaType = "application/json", examples = @ExampleObject(value = ApiDocs.JOB_EXAMPLE))),
            parameters = {
                    @Parameter(in = ParameterIn.HEADER, name = AccountQueueHeader.EZTHROTTLE,
                            description = "enabled | disabled", required = false),
                    @Parameter(in = ParameterIn.HEADER, name = AccountQueueHeader.AQUEDUCT,
                            description = "enabled | disabled (read first)", required = false)})
    @ApiResponse(responseCode = "201", description = "accepted", content = @Content(mediaType = "application/json",
            examples = @ExampleObject(value = ApiDocs.SUBMITTED_EXAMPLE)))
    @ApiResponse(responseCode = "200", description = "duplicate of a known job (its original reply plus `duplicate: true`)")
    @ApiResponse(responseCode = "400", description = "invalid payload: `{error, field}` names the field")
    @ApiResponse(responseCode = "413", description = "body over `ezthrottle.api.max-body-bytes`")
    @ApiResponse(responseCode = "429", description = "monthly cap reached or load shed: integer `Retry-After` header,"
            + " `{error, retry_at, limit_reason, limit, current}`; nothing was queued")
    public Mono<ResponseEntity<Map<String, Object>>> submit(ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        var accountQueue = AccountQueueHeader.read(exchange.getRequest().getHeaders());
        return bodies.jsonObject(exchange.getRequest())
                .map(parser::parse)
                .doOnNext(egress::check)
                .flatMap(spec -> accountQueue
                        .map(enabled -> domainLimits.accountQueue(Destination.of(spec.url()), enabled))
                        .orElse(Mono.empty())
                        .then(submissions.submit(tenant, spec, Surface.CLOUD)))
                .map(JobController::reply);
    }

    @GetMapping("/{id}")
    @Operation(summary = "A job's status", description = "Only the tenant that submitted a job can see it; any other"
            + " id is 404.")
    @ApiResponse(responseCode = "200", description = "the job")
    @ApiResponse(responseCode = "404", description = "no such job for this tenant")
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

    static ResponseEntity<Map<String, Object>> reply(Submission submission) {
        JobRecord job = submission.job();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", job.id());
        body.put("idempotent_key", job.idempotentKey());
        String failure = submission.failedAtOnce() ? submission.failure() : failedAtOnce(job);
        body.put("status", failure != null ? "failed" : job.spec().submissionStatus());
        body.put("queued_at", job.createdAt());
        if (failure != null) {
            body.put("error", failure);
        }
        if (submission.duplicate()) {
            body.put("duplicate", true);
            return ResponseEntity.ok(body);
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(body);
    }

    /** For a duplicate: the reason when the original failed before any attempt (so its first reply said failed). */
    private static String failedAtOnce(JobRecord job) {
        return job.state() == JobState.FAILED && job.attempts() == 0 ? job.error() : null;
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
