package io.ezthrottle.worker.dispatch;

import java.time.Duration;
import java.util.Map;

import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.worker.intake.PendingJob;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Runs one job whose dispatch slot has come: marks it dispatching, calls the upstream, records the outcome,
 * publishes it to the results stream, and only then acknowledges the intake entry. A crash anywhere before the
 * acknowledgement leaves the entry pending, so the job is retried (at least once), never lost.
 */
@Component
public class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final RedisJobStore jobs;
    private final JobStreams streams;
    private final UpstreamClient upstream;
    private final MeterRegistry meters;

    public JobRunner(RedisJobStore jobs, JobStreams streams, UpstreamClient upstream, MeterRegistry meters) {
        this.jobs = jobs;
        this.streams = streams;
        this.upstream = upstream;
        this.meters = meters;
    }

    public Mono<Void> run(PendingJob pending) {
        JobRecord job = pending.job();
        int attempt = job.attempts() + 1;
        return jobs.transition(job.id(), JobState.DISPATCHING, Map.of("attempts", Integer.toString(attempt)))
                .flatMap(started -> started
                        ? execute(job, attempt)
                        // Already finished (a redelivered entry after a crash): make sure its result is out.
                        : streams.publishResult(job.id()).then())
                .then(Mono.defer(() -> streams.done(streams.intake(), StreamGroups.WORKERS, pending.entryId())))
                .retryWhen(Retry.backoff(5, Duration.ofMillis(200)))
                .doOnError(e -> log.error("job bookkeeping failed job_id={} (entry stays pending): {}", job.id(), e.toString()))
                .onErrorResume(e -> Mono.empty());
    }

    private Mono<Void> execute(JobRecord job, int attempt) {
        long start = System.nanoTime();
        return upstream.call(job.spec(), job.idempotentKey())
                .flatMap(outcome -> {
                    JobState end = outcome.successful() ? JobState.COMPLETED : JobState.FAILED;
                    String error = outcome.transportError() != null ? outcome.transportError()
                            : outcome.successful() ? null : "upstream answered " + outcome.response().statusCode();
                    log.info("job finished job_id={} state={} status={} attempt={} ms={}", job.id(), end.wire(),
                            outcome.response() == null ? "-" : outcome.response().statusCode(), attempt,
                            (System.nanoTime() - start) / 1_000_000);
                    meters.counter("ezthrottle.jobs.finished", "state", end.wire()).increment();
                    return jobs.transition(job.id(), end, jobs.outcomeFields(outcome.response(), error, attempt));
                })
                .then(Mono.defer(() -> streams.publishResult(job.id())))
                .then();
    }
}
