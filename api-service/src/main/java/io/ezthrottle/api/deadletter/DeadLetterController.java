package io.ezthrottle.api.deadletter;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.api.auth.ApiKeyAuthentication;
import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.core.delivery.DeadLetter;
import io.ezthrottle.core.delivery.DeadLetterStore;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.tenant.Tenant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * {@code /api/v1/dead-letters}: webhook deliveries that exhausted their schedule, each with its last error. Only the
 * caller's own letters exist for it: another tenant's letter id is a 404, whether read, replayed or discarded.
 */
@RestController
@RequestMapping("/api/v1/dead-letters")
public class DeadLetterController {

    private static final int MAX_PAGE = 200;
    /**
     * Lifetime given to a replayed delivery until its first attempt; from then on the dispatcher keeps it alive for
     * its own retry horizon.
     */
    private static final Duration REPLAY_TTL = Duration.ofHours(48);

    private final DeadLetterStore letters;
    private final DeliveryStore deliveries;

    public DeadLetterController(DeadLetterStore letters, DeliveryStore deliveries) {
        this.letters = letters;
        this.deliveries = deliveries;
    }

    /** Newest first; {@code before} (the last id of the previous page) pages back in time. */
    @GetMapping
    public Mono<Map<String, Object>> list(@RequestParam(defaultValue = "50") int limit,
                                          @RequestParam(required = false) String before, ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        if (limit < 1 || limit > MAX_PAGE) {
            return Mono.error(ApiException.badRequest("limit", "limit must be between 1 and " + MAX_PAGE));
        }
        if (before != null && !DeadLetterStore.plausibleId(before)) {
            return Mono.error(ApiException.badRequest("before", "before must be a dead letter id"));
        }
        return letters.list(tenant.id(), limit, before)
                .map(page -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("dead_letters", page.stream().map(l -> view(l, false)).toList());
                    body.put("next_before", page.size() == limit ? page.get(page.size() - 1).id() : null);
                    return body;
                });
    }

    /** One letter, with the payload that was to be delivered. */
    @GetMapping("/{id}")
    public Mono<Map<String, Object>> one(@PathVariable String id, ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        return letters.find(tenant.id(), id)
                .map(l -> view(l, true))
                .switchIfEmpty(Mono.error(notFound()));
    }

    /**
     * Schedules the webhook again, due now, with a fresh retry schedule, and removes the letter; if the new
     * attempts fail too, a new letter appears.
     */
    @PostMapping("/{id}/replay")
    public Mono<ResponseEntity<Map<String, Object>>> replay(@PathVariable String id, ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        return letters.find(tenant.id(), id)
                .switchIfEmpty(Mono.error(notFound()))
                .flatMap(letter -> deliveries.replay(letter, REPLAY_TTL)
                        .flatMap(status -> letters.remove(tenant.id(), id).thenReturn(letter)))
                .map(letter -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("status", "replaying");
                    body.put("dead_letter_id", letter.id());
                    body.put("job_id", letter.jobId());
                    body.put("webhook_url", letter.url());
                    return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
                });
    }

    /** Discards a letter without delivering it. */
    @DeleteMapping("/{id}")
    public Mono<Map<String, Object>> discard(@PathVariable String id, ServerWebExchange exchange) {
        Tenant tenant = ApiKeyAuthentication.tenant(exchange);
        return letters.remove(tenant.id(), id)
                .flatMap(removed -> removed ? Mono.just(Map.<String, Object>of("status", "ok", "message", "Dead letter discarded"))
                        : Mono.error(notFound()));
    }

    private static Map<String, Object> view(DeadLetter l, boolean withPayload) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", l.id());
        m.put("job_id", l.jobId());
        m.put("webhook_url", l.url());
        m.put("has_quorum_vote", l.vote());
        m.put("attempts", l.attempts());
        m.put("first_attempt_at", l.firstAttemptAt());
        m.put("failed_at", l.failedAt());
        m.put("last_status", l.lastStatus());
        m.put("last_error", l.lastError());
        if (withPayload) {
            m.put("payload", l.body());
        }
        return m;
    }

    private static ApiException notFound() {
        return ApiException.notFound("dead letter not found");
    }

}
