package io.ezthrottle.worker.workflow;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Trigger;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.queue.AttemptLedger;
import io.ezthrottle.core.queue.JobQueue;
import io.ezthrottle.core.queue.QueueEntry;
import io.ezthrottle.core.redis.JobStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The workflow around a job's attempts: starting a fallback stage (on error, or when its on_timeout timer fires),
 * the on_failure_timeout_ms deadline, announcing a finished job to the webhook service, and spawning on_success /
 * on_failure follow-up jobs exactly once.
 */
@Component
public class WorkflowActions {

    private static final Logger log = LoggerFactory.getLogger(WorkflowActions.class);

    private final RedisJobStore jobs;
    private final AttemptLedger ledger;
    private final JobQueue queue;
    private final JobStreams streams;
    private final JobIds ids;
    private final Clock clock;

    public WorkflowActions(RedisJobStore jobs, AttemptLedger ledger, JobQueue queue, JobStreams streams,
                           JobIds ids,
                           Clock clock) {
        this.jobs = jobs;
        this.ledger = ledger;
        this.queue = queue;
        this.streams = streams;
        this.ids = ids;
        this.clock = clock;
    }

    /** Starts the attempts of a fallback stage once, whoever asks first. Emits whether anything was started. */
    public Mono<Boolean> startStage(JobRecord job, int stage) {
        JobSpec spec = Stages.spec(job.spec(), stage);
        if (spec == null) {
            return Mono.just(false);
        }
        return ledger.markStageStarted(job.id(), stage).flatMap(first -> !first ? Mono.just(false)
                : queue.plan(spec, stage).flatMap(plan -> plan.attempts().isEmpty() ? Mono.just(false)
                        : Flux.fromIterable(plan.attempts())
                                .concatMap(a -> queue.publish(new QueueEntry(job.id(), a, 0)).then(ledger.start(job.id(), a)))
                                .then(Mono.fromRunnable(() -> log.info("fallback stage started job_id={} stage={}", job.id(), stage)))
                                .thenReturn(true)));
    }

    /** When an attempt of {@code stage} is dispatched: arms the next stage's on_timeout trigger, if it has one. */
    public Mono<Void> armTimeout(JobRecord job, int stage) {
        JobSpec next = Stages.spec(job.spec(), stage + 1);
        if (next == null || next.trigger().type() != Trigger.Type.ON_TIMEOUT || next.trigger().timeoutMs() == null) {
            return Mono.empty();
        }
        return queue.schedule(JobQueue.TIMEOUT_FALLBACK + "|" + job.id() + "|" + (stage + 1),
                clock.millis() + next.trigger().timeoutMs());
    }

    /** A due timer from the delayed set. */
    public Mono<Void> timer(String member) {
        String[] p = member.split("\\|");
        if (JobQueue.TIMEOUT_FALLBACK.equals(p[0])) {
            return jobs.find(p[1]).filter(j -> !j.state().terminal())
                    .flatMap(j -> startStage(j, Integer.parseInt(p[2]))).then();
        }
        if (JobQueue.FAILURE_DEADLINE.equals(p[0])) {
            return ledger.failJob(p[1], Map.of("error", "on_failure_timeout_ms elapsed before the job succeeded"))
                    .filter(Boolean::booleanValue)
                    .flatMap(ended -> jobs.find(p[1]))
                    .flatMap(j -> finished(j, false));
        }
        if (JobQueue.SPAWN_ON_FAILURE.equals(p[0])) {
            return jobs.find(p[1]).filter(j -> j.state() == JobState.FAILED)
                    .flatMap(j -> spawn(j, "on_failure", j.spec().onFailure()));
        }
        return Mono.empty();
    }

    /**
     * A job just ended (this caller won the transition): hand it to the webhook service, then spawn its follow-up.
     * The follow-up is spawned after the result is published so a crash in between cannot skip the webhook.
     */
    public Mono<Void> finished(JobRecord job, boolean success) {
        return streams.publishResult(job.id())
                .then(spawn(job, success ? "on_success" : "on_failure", success ? job.spec().onSuccess() : job.spec().onFailure()));
    }

    private Mono<Void> spawn(JobRecord parent, String kind, JobSpec child) {
        if (child == null) {
            return Mono.empty();
        }
        String childId = ids.next();
        String key = child.idempotentKey() != null ? child.idempotentKey() : parent.idempotentKey() + "." + kind;
        Map<String, Object> metadata = new LinkedHashMap<>(child.metadata());
        metadata.putIfAbsent("parent_job_id", parent.id());
        JobSpec spec = child.asFollowUp(key, child.webhooks().isEmpty() ? parent.spec().webhooks() : child.webhooks(), metadata);
        long now = clock.millis();
        JobRecord record = new JobRecord(childId, parent.tenantId(), parent.surface(), JobState.QUEUED, spec, key, now, now,
                0, null, null, parent.id());
        return ledger.markSpawned(parent.id(), kind, childId).flatMap(first -> !first ? Mono.empty()
                : jobs.create(record).then(queue.enqueueNew(record))
                        .doOnSuccess(r -> log.info("follow-up spawned job_id={} parent_job_id={} kind={}", childId, parent.id(), kind))
                        .then());
    }
}
