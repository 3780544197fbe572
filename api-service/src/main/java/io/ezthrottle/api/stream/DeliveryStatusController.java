package io.ezthrottle.api.stream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ezthrottle.api.auth.ApiKeyAuthentication;
import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.delivery.DeliveryView;
import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.WebhookTarget;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.tenant.Tenant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/v1/jobs/{id}/deliveries}: where the webhooks of one of the caller's jobs stand. Delivery status is
 * separate from job status (compat-protocol A21): a completed job can still be waiting for its receivers.
 */
@RestController
public class DeliveryStatusController {

    private final DeliveryStore deliveries;
    private final RedisJobStore jobs;

    public DeliveryStatusController(DeliveryStore deliveries, RedisJobStore jobs) {
        this.deliveries = deliveries;
        this.jobs = jobs;
    }

    @GetMapping("/api/v1/jobs/{id}/deliveries")
    public Mono<Map<String, Object>> deliveries(@PathVariable String id, ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        if (!JobIds.plausible(id)) {
            return Mono.error(ApiException.notFound("job not found"));
        }
        // The delivery outlives the job record (retries may take a day), so it is looked at first.
        return deliveries.view(id)
                .filter(view -> tenant.id().equals(view.tenantId()))
                .map(DeliveryStatusController::render)
                .switchIfEmpty(Mono.defer(() -> jobs.find(id)
                        .filter(job -> job.tenantId().equals(tenant.id()))
                        .map(DeliveryStatusController::notStarted)))
                .switchIfEmpty(Mono.error(ApiException.notFound("job not found")));
    }

    private static Map<String, Object> render(DeliveryView view) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", view.jobId());
        body.put("status", view.status().wire());
        body.put("votes_needed", view.votesNeeded());
        body.put("votes", view.votes());
        body.put("created_at", view.createdAt());
        if (view.finishedAt() > 0) {
            body.put("finished_at", view.finishedAt());
        }
        List<Map<String, Object>> webhooks = new ArrayList<>();
        for (DeliveryView.TargetView t : view.targets()) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("url", t.url());
            w.put("has_quorum_vote", t.vote());
            w.put("state", t.state());
            w.put("attempts", t.attempts());
            if (t.attempts() > 0) {
                w.put("last_status", t.lastStatus());
            }
            if (t.lastError() != null) {
                w.put("last_error", t.lastError());
            }
            if (t.nextAt() > 0) {
                w.put("next_attempt_at", t.nextAt());
            }
            if (t.deliveredAt() > 0) {
                w.put("delivered_at", t.deliveredAt());
            }
            if (t.deadLetter() != null) {
                w.put("dead_letter_id", t.deadLetter());
            }
            webhooks.add(w);
        }
        body.put("webhooks", webhooks);
        return body;
    }

    /** No delivery yet: the job has not finished (or was just finished and not planned yet), or has no webhooks. */
    private static Map<String, Object> notStarted(JobRecord job) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job_id", job.id());
        body.put("status", job.spec().webhooks().isEmpty() ? "none" : "not_started");
        List<Map<String, Object>> webhooks = new ArrayList<>();
        for (WebhookTarget t : job.spec().webhooks()) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("url", t.url());
            w.put("has_quorum_vote", t.hasQuorumVote());
            w.put("state", "waiting");
            w.put("attempts", 0);
            webhooks.add(w);
        }
        body.put("webhooks", webhooks);
        return body;
    }
}
