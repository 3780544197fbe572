package io.ezthrottle.worker.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.queue.AttemptId;
import io.ezthrottle.core.queue.AttemptLedger;
import io.ezthrottle.core.queue.JobQueue;
import io.ezthrottle.core.queue.LiveRegions;
import io.ezthrottle.core.queue.QueueEntry;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.core.throttle.PacingSignal;
import io.ezthrottle.worker.intake.HeldJobs;
import io.ezthrottle.worker.intake.PendingJob;
import io.ezthrottle.worker.pacing.DestinationLanes;
import io.ezthrottle.worker.pacing.InFlightLeases;
import io.ezthrottle.worker.pacing.LimitsCache;
import io.ezthrottle.worker.pacing.SlotDispatcher;
import io.ezthrottle.worker.region.WorkerIdentity;
import io.ezthrottle.worker.retry.NextStep;
import io.ezthrottle.worker.retry.RetryPolicyEngine;
import io.ezthrottle.worker.workflow.Stages;
import io.ezthrottle.worker.workflow.WorkflowActions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Runs one attempt whose dispatch slot has come: claims it (dropping stale duplicates), calls the upstream,
 * applies the pacing headers, decides the next step, records it, and acknowledges the stream entry last. A crash
 * anywhere before the acknowledgement leaves the entry pending; another worker reclaims it (at-least-once).
 */
@Component
public class AttemptRunner {

    private static final Logger log = LoggerFactory.getLogger(AttemptRunner.class);
    /**
     * A retry entry always goes through the delayed set, at least this late: the attempt's epoch is bumped right
     * after the entry is written, and the entry must not be claimable before that.
     */
    private static final long MIN_RETRY_DELAY_MS = 100;

    private final AttemptLedger ledger;
    private final RedisJobStore jobs;
    private final JobQueue queue;
    private final JobStreams streams;
    private final UpstreamClient upstream;
    private final RetryPolicyEngine policy;
    private final WorkflowActions workflow;
    private final LimitsCache limits;
    private final InFlightLeases leases;
    private final LiveRegions liveRegions;
    private final HeldJobs held;
    private final WorkerIdentity identity;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Timer queueDelay;
    private final AtomicInteger active = new AtomicInteger();

    public AttemptRunner(AttemptLedger ledger, RedisJobStore jobs, JobQueue queue, JobStreams streams, UpstreamClient upstream,
                         RetryPolicyEngine policy, WorkflowActions workflow,
                         LimitsCache limits, InFlightLeases leases,
                         LiveRegions liveRegions, HeldJobs held, WorkerIdentity identity, DestinationLanes lanes,
                         Clock clock, MeterRegistry meters) {
        this.ledger = ledger;
        this.jobs = jobs;
        this.queue = queue;
        this.streams = streams;
        this.upstream = upstream;
        this.policy = policy;
        this.workflow = workflow;
        this.limits = limits;
        this.leases = leases;
        this.liveRegions = liveRegions;
        this.held = held;
        this.identity = identity;
        this.clock = clock;
        this.meters = meters;
        this.queueDelay = Timer.builder("ezthrottle.worker.queue.delay")
                .description("from acceptance to first dispatch of a job").publishPercentiles(0.5, 0.99)
                .register(meters);
        lanes.onDispatch(new SlotDispatcher() {
            @Override
            public Mono<Boolean> prepare(PendingJob job) {
                return AttemptRunner.this.prepare(job);
            }

            @Override
            public void send(PendingJob job, String token) {
                AttemptRunner.this.send(job, token);
            }
        });
    }

    /** Attempts currently between claim and acknowledgement on this worker. */
    public int active() {
        return active.get();
    }

    /**
     * Claims the job's attempt and arms its timers, so that sending it is only the upstream call. Emits false (and
     * has released the job) when it is not to be sent: stale or finished (acknowledged), or the bookkeeping failed
     * (the entry stays pending, and {@code PendingReclaimer} takes it up again once it counts as orphaned).
     */
    Mono<Boolean> prepare(PendingJob p) {
        active.incrementAndGet();
        return ledger.claim(p.entry(), identity.consumer(), p.deadOwner())
                .retryWhen(Retry.backoff(3, Duration.ofMillis(200)))
                .flatMap(claim -> claim == AttemptLedger.Claim.CLAIMED
                        ? workflow.armTimeout(p.job(), p.entry().attempt().stage()).thenReturn(true)
                        : (claim == AttemptLedger.Claim.TERMINAL && p.deadOwner() != null
                        ? streams.publishResult(p.job().id()).then() : Mono.<Void>empty())
                        .then(acknowledge(p)).thenReturn(false))
                .onErrorResume(e -> {
                    log.error("attempt bookkeeping failed job_id={} attempt={} (entry stays pending; taken up again once orphaned): {}",
                            p.entry().jobId(), p.entry().attempt(), e.toString());
                    return Mono.just(false);
                })
                .doOnNext(ready -> {
                    if (!ready) {
                        finished(p);
                    }
                });
    }

    /** Sends a prepared job (its slot has come), records the outcome, acknowledges, gives the token back. */
    void send(PendingJob p, String token) {
        execute(p).then(Mono.defer(() -> acknowledge(p)))
                // Bookkeeping after the call failed: go through the claim again. An outcome that was recorded ends it
                // (and the result is published again, in case that step was lost); one that was not runs the call
                // again, at least once being the contract.
                .onErrorResume(e -> run(p))
                .then(Mono.defer(() -> leases.release(p.destination(), token)))
                .onErrorResume(e -> Mono.empty())
                .doFinally(s -> finished(p))
                .subscribe();
    }

    private void finished(PendingJob p) {
        active.decrementAndGet();
        held.release(p);
    }

    private Mono<Void> acknowledge(PendingJob p) {
        return streams.done(streams.stream(p.stream()), StreamGroups.WORKERS, p.entryId());
    }

    Mono<Void> run(PendingJob p) {
        return ledger.claim(p.entry(), identity.consumer(), p.deadOwner())
                .flatMap(claim -> switch (claim) {
                    case CLAIMED -> execute(p);
                    // a result entry read twice is planned once, so publishing again is safe
                    case TERMINAL -> streams.publishResult(p.job().id()).then();
                    default -> Mono.<Void>empty();
                })
                .then(Mono.defer(() -> acknowledge(p)))
                .retryWhen(Retry.backoff(3, Duration.ofMillis(200)))
                .onErrorResume(e -> {
                    log.error("attempt bookkeeping failed job_id={} attempt={} (entry stays pending; taken up again once orphaned): {}",
                            p.entry().jobId(), p.entry().attempt(), e.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> execute(PendingJob p) {
        JobRecord job = p.job();
        QueueEntry entry = p.entry();
        if (entry.epoch() == 0 && entry.attempt().stage() == 0) {
            queueDelay.record(Duration.ofMillis(Math.max(0, clock.millis() - job.createdAt())));
        }
        long start = System.nanoTime();
        return upstream.call(p.stageSpec(), job.idempotentKey())
                .flatMap(outcome -> learn(p, outcome).then(policy.observe(p.destination(), outcome)).then(decide(p, outcome)).flatMap(step -> {
                    log.info("attempt done job_id={} attempt={} try={} status={} step={} ms={}", job.id(), entry.attempt(),
                            entry.epoch() + 1, outcome.response() == null ? outcome.transportError() : outcome.response().statusCode(),
                            step.kind(), (System.nanoTime() - start) / 1_000_000);
                    meters.counter("ezthrottle.worker.attempts", "step", step.kind().name().toLowerCase()).increment();
                    return act(p, outcome, step);
                }));
    }

    private Mono<Void> learn(PendingJob p, UpstreamOutcome outcome) {
        if (outcome.response() == null) {
            return Mono.empty();
        }
        return limits.learn(p.destination(), PacingSignal.from(outcome.response().headers()))
                .onErrorResume(e -> Mono.empty());
    }

    private Mono<NextStep> decide(PendingJob p, UpstreamOutcome outcome) {
        JobSpec next = Stages.spec(p.job().spec(), p.entry().attempt().stage() + 1);
        AttemptId attempt = p.entry().attempt();
        if (outcome.successful() || attempt.anyRegion() || p.stageSpec().regions().size() < 1) {
            return Mono.just(policy.decide(outcome, p.job().surface(), p.stageSpec(), next, p.entry().epoch(), 0, Optional.empty()));
        }
        return Mono.zip(ledger.fields(p.job().id()), liveRegions.regions()).map(t -> {
            Map<String, String> fields = t.getT1();
            Set<String> live = t.getT2();
            int reroutes = (int) fields.entrySet().stream()
                    .filter(e -> e.getKey().startsWith("a:" + attempt.stage() + "@") && e.getValue().equals("rerouted")).count();
            Optional<String> target = live.stream()
                    .filter(r -> !fields.containsKey("a:" + new AttemptId(attempt.stage(), r)))
                    .findFirst();
            return policy.decide(outcome, p.job().surface(), p.stageSpec(), next, p.entry().epoch(), reroutes, target);
        });
    }

    private Mono<Void> act(PendingJob p, UpstreamOutcome outcome, NextStep step) {
        JobRecord job = p.job();
        QueueEntry entry = p.entry();
        Map<String, String> fields = jobs.outcomeFields(outcome.response(), outcome.transportError() != null
                ? outcome.transportError()
                : outcome.successful() ? null : "upstream answered " + outcome.response().statusCode(), 0);
        fields.remove("attempts");
        String tried = outcome.response() != null ? Integer.toString(outcome.response().statusCode())
                : "error: " + outcome.transportError();
        fields.put(AttemptLedger.tryField(entry), tried.length() > 200 ? tried.substring(0, 200) : tried);
        return switch (step.kind()) {
            case SUCCEED -> succeed(p, fields);
            case RETRY -> {
                QueueEntry again = new QueueEntry(job.id(), entry.attempt(), entry.epoch() + 1);
                yield queue.publishAt(again, clock.millis() + Math.max(MIN_RETRY_DELAY_MS, step.delay().toMillis()))
                        .then(ledger.requeue(entry, again.epoch(), fields.get(AttemptLedger.tryField(entry)))).then();
            }
            case REROUTE -> {
                AttemptId moved = new AttemptId(entry.attempt().stage(), step.rerouteRegion());
                yield queue.publish(new QueueEntry(job.id(), moved, 0)).then(ledger.start(job.id(), moved))
                        .then(end(p, "rerouted", fields));
            }
            case FALLBACK -> workflow.startStage(job, entry.attempt().stage() + 1).then(end(p, "failed", fields));
            case FAIL -> (Stages.startsAfterFailure(Stages.spec(job.spec(), entry.attempt().stage() + 1),
                    outcome.response() == null ? null : outcome.response().statusCode())
                    ? workflow.startStage(job, entry.attempt().stage() + 1) : Mono.just(false))
                    .then(end(p, "failed", fields));
        };
    }

    private Mono<Void> succeed(PendingJob p, Map<String, String> fields) {
        if (p.job().spec().executionMode() == io.ezthrottle.core.job.ExecutionMode.FANOUT && !p.entry().attempt().anyRegion()) {
            // Fanout: every region runs; the job ends when the last one does, completed if any succeeded.
            fields.put("rr:" + p.entry().attempt().region(), fields.getOrDefault("status_code", ""));
            return ledger.fields(p.job().id())
                    .flatMap(f -> {
                        if (f.containsKey("response") && "done".equals(firstDone(f))) {
                            fields.remove("response");
                            fields.remove("status_code");
                        }
                        return end(p, "done", fields);
                    });
        }
        // The record held since intake is enough to finish with: finishing reads only the job's id and spec, which
        // never change, so no second read of the record per job.
        return ledger.succeed(p.entry(), fields)
                .flatMap(won -> won ? workflow.finished(p.job(), true) : Mono.empty());
    }

    private static String firstDone(Map<String, String> f) {
        return f.entrySet().stream().anyMatch(e -> e.getKey().startsWith("a:") && e.getValue().equals("done")) ? "done" : "";
    }

    private Mono<Void> end(PendingJob p, String mark, Map<String, String> fields) {
        return ledger.endAttempt(p.entry(), mark, fields).flatMap(end -> switch (end) {
            case JOB_FAILED -> workflow.finished(p.job(), false);
            case JOB_COMPLETED -> workflow.finished(p.job(), true);
            default -> Mono.<Void>empty();
        });
    }
}
