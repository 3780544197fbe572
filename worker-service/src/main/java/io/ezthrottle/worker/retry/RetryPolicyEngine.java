package io.ezthrottle.worker.retry;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.RetryPolicy;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.Trigger;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.dispatch.UpstreamOutcome;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Decides the next step after an attempt, in the order of compat-protocol §6.5: a matching fallback trigger first,
 * then retries in place (exponential backoff with full jitter, {@code Retry-After} honoured), then a reroute to
 * another live region, else the attempt's final result. Connection errors and timeouts are retried like retry codes;
 * any other 4xx fails at once. What the answer means for the whole destination (a shared pause) is
 * {@link DestinationBackoff}'s, applied through {@link #observe} whatever the job's own next step.
 */
@Component
public class RetryPolicyEngine {

    private final WorkerProperties properties;
    private final Clock clock;

    private final DestinationBackoff destinations;

    public RetryPolicyEngine(WorkerProperties properties, Clock clock, DestinationBackoff destinations) {
        this.properties = properties;
        this.clock = clock;
        this.destinations = destinations;
    }

    /** Applies what the answer says about its destination to every replica (never fails). */
    public Mono<Void> observe(String destination, UpstreamOutcome outcome) {
        return destinations.observe(destination, outcome);
    }

    /**
     * @param stageSpec      the request that was sent
     * @param next           the next fallback stage's spec, or null
     * @param retriesUsed    retries already made for this attempt
     * @param reroutesUsed   reroutes already made at this stage
     * @param rerouteTarget  a live region not yet tried at this stage, if any
     */
    public NextStep decide(UpstreamOutcome outcome, Surface surface, JobSpec stageSpec, JobSpec next, long retriesUsed,
                           int reroutesUsed, Optional<String> rerouteTarget) {
        if (outcome.successful()) {
            return NextStep.succeed();
        }
        Integer status = outcome.response() == null ? null : outcome.response().statusCode();
        if (status != null && next != null && next.trigger().type() == Trigger.Type.ON_ERROR
                && !next.trigger().codes().isEmpty() && next.trigger().codes().contains(status)) {
            return NextStep.fallback();
        }
        RetryPolicy policy = stageSpec.retryPolicy();
        boolean retryable = status == null || policy.retryCodes().contains(status);
        if (retryable && retriesUsed < policy.maxRetries()) {
            Optional<Duration> retryAfter = status != null && (status == 429 || status == 503)
                    ? RetryAfter.parse(outcome.response().headers().get("retry-after"), clock)
                            .map(d -> d.compareTo(properties.retryAfterMax()) > 0 ? properties.retryAfterMax() : d)
                    : Optional.empty();
            return NextStep.retry(retryAfter.orElseGet(() -> backoff(retriesUsed)));
        }
        if (status != null && policy.rerouteCodes().contains(status) && reroutesUsed < policy.maxReroutes()
                && rerouteTarget.isPresent()) {
            return NextStep.reroute(rerouteTarget.get());
        }
        if (surface == Surface.LOCAL && status != null) {
            // On the local surface "completed" means an HTTP answer was obtained (compat-protocol §5.2, §6.5).
            return NextStep.succeed();
        }
        return NextStep.fail();
    }

    /** Full-jitter exponential backoff: uniform in [0, min(max, base · 2^n)], never below 50 ms. */
    Duration backoff(long retriesUsed) {
        long cap = Math.min(properties.backoffMax().toMillis(),
                properties.backoffBase().toMillis() << Math.min(20, retriesUsed));
        return Duration.ofMillis(Math.max(50, ThreadLocalRandom.current().nextLong(cap + 1)));
    }

}
