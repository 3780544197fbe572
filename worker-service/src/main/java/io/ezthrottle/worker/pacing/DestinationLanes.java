package io.ezthrottle.worker.pacing;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.ezthrottle.core.throttle.DomainRateLimiter;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.intake.PendingJob;
import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * One lane per destination: jobs of a destination wait for their dispatch slot one after another, while lanes of
 * other destinations proceed independently. A backlog for one domain therefore never delays another domain's
 * jobs, and each worker asks the shared bucket for at most one slot per destination at a time.
 */
@Component
public class DestinationLanes {

    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final DomainRateLimiter limiter;
    private final DomainLimitsSource limits;
    private final Duration maxWait;

    public DestinationLanes(DomainRateLimiter limiter, DomainLimitsSource limits, WorkerProperties properties) {
        this.limiter = limiter;
        this.limits = limits;
        this.maxWait = properties.maxPermitWait();
    }

    /** Queues the job on its destination's lane; {@code dispatch} runs once the job's slot has come. */
    public void enqueue(PendingJob job, Consumer<PendingJob> dispatch) {
        lanes.computeIfAbsent(job.destination(), d -> new Lane(d, dispatch)).offer(job);
    }

    public int laneCount() {
        return lanes.size();
    }

    @PreDestroy
    void stop() {
        lanes.values().forEach(Lane::close);
    }

    private Mono<Boolean> slot(String destination) {
        return limits.limits(destination)
                .flatMap(l -> limiter.acquire(destination, l, maxWait))
                .filter(Boolean::booleanValue)
                // The next free slot is further than maxWait away: ask again a little later.
                .repeatWhenEmpty(Integer.MAX_VALUE, attempts -> attempts.delayElements(maxWait.dividedBy(4)))
                // Redis unreachable: keep the job and keep asking; it is still pending in the stream either way.
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5)));
    }

    private final class Lane {
        private final Sinks.Many<PendingJob> queue = Sinks.many().unicast().onBackpressureBuffer();
        private final Disposable subscription;

        Lane(String destination, Consumer<PendingJob> dispatch) {
            subscription = queue.asFlux()
                    .concatMap(job -> slot(destination).thenReturn(job), 1)
                    .subscribe(dispatch);
        }

        synchronized void offer(PendingJob job) {
            queue.emitNext(job, Sinks.EmitFailureHandler.FAIL_FAST);
        }

        void close() {
            subscription.dispose();
        }
    }

}
