package io.ezthrottle.api.job;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.ezthrottle.api.admission.AdmissionControl;
import io.ezthrottle.api.admission.AdmissionDecision;
import io.ezthrottle.api.error.ApiException;
import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobRetention;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.queue.AttemptId;
import io.ezthrottle.core.queue.JobQueue;
import io.ezthrottle.core.queue.QueueEntry;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.tenant.ApiKeys;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.usage.UsageMeter;
import io.ezthrottle.core.usage.UsagePeriod;
import org.redisson.api.RedissonReactiveClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Accepts jobs: stores the record, then lets the job in through {@link JobAcceptance} (claims the tenant's
 * idempotency key and counts the job against the monthly cap, atomically), then queues it. A duplicate key returns
 * the original job, discards the record written for the repeat and queues nothing; so does a refusal (hard cap:
 * 429 until the next month; admission control: 429 with a growing {@code Retry-After}).
 * <p>
 * The record is written <em>before</em> the key is claimed, so a claimed key whose record is missing really is
 * dangling (its job expired) and never a submission still in flight; taking such a key over happens inside the same
 * script, guarded by the id it must still hold, so concurrent repeats of one key agree on a single job.
 * <p>
 * Duplicates are answered even while shedding load or at the cap: they cost nothing and tell the client its job
 * exists (compat-protocol §4).
 * <p>
 * A plain job (any region, no failure deadline) takes three Redis round trips: the record, written with its one
 * attempt already registered; the acceptance script; the stream entry. The three keys live in different hash slots
 * (job, tenant, queue), which is as far as they can be folded on Redis Cluster; the order is what keeps a crash
 * harmless. Other jobs are queued by {@link JobQueue#enqueueNew}, which plans their attempts from the live regions.
 */
@Service
public class JobSubmissions {

    private static final Logger log = LoggerFactory.getLogger(JobSubmissions.class);
    /** Rounds of claim / take-over before giving up (each lost round means another submission won the key). */
    private static final int MAX_CLAIM_ATTEMPTS = 5;
    /** Retries of queueing an accepted job after a Redis error (publishing an entry twice is harmless). */
    private static final int QUEUE_ATTEMPTS = 4;
    /** The single attempt of a job that names no region. */
    private static final AttemptId ANY_REGION = new AttemptId(0, AttemptId.ANY_REGION);

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final RedisJobStore jobs;
    private final JobQueue queue;
    private final JobIds ids;
    private final JobRetention retention;
    private final JobAcceptance acceptance;
    private final UsageMeter usage;
    private final AdmissionControl admission;
    private final Clock clock;

    public JobSubmissions(RedissonReactiveClient redis, RedisKeys keys, RedisJobStore jobs, JobQueue queue,
                          JobIds ids, JobRetention retention, JobAcceptance acceptance, UsageMeter usage,
                          AdmissionControl admission, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.jobs = jobs;
        this.queue = queue;
        this.ids = ids;
        this.retention = retention;
        this.acceptance = acceptance;
        this.usage = usage;
        this.admission = admission;
        this.clock = clock;
    }

    /**
     * Submits a job for the tenant. Emits the new or original job; errors with an {@link ApiException} (429) when
     * the tenant is at its monthly cap or admission control sheds load.
     */
    public Mono<Submission> submit(Tenant tenant, JobSpec submitted, Surface surface) {
        String key = submitted.idempotentKey() != null ? submitted.idempotentKey()
                : IdempotencyKeys.hashKey(tenant.id(), submitted);
        JobSpec spec = submitted.withIdempotentKey(key);
        String jobId = ids.next();
        long now = clock.millis();
        JobRecord job = new JobRecord(jobId, tenant.id(), surface, JobState.QUEUED, spec, key, now, now, 0, null, null, null);
        Attempt attempt = new Attempt(tenant, job, keys.idempotency(tenant.id(), ApiKeys.sha256Hex(key)),
                usage.currentPeriod(), admission.decide());
        Mono<Submission> submission = jobs.create(job, plain(spec) ? List.of(ANY_REGION.toString()) : List.of())
                .then(Mono.defer(() -> claim(attempt, "", MAX_CLAIM_ATTEMPTS)))
                .flatMap(s -> s.duplicate()
                        ? discard(job).thenReturn(s)
                        : Mono.just(s));
        // Once started, a submission runs to its end even when the client goes away: cancelled between claiming its
        // key and queueing, it would leave a job that is accepted (a repeat gets it back) but never queued.
        return Mono.fromFuture(submission.toFuture(), true);
    }

    /** One submission on its way in: what the acceptance script needs, decided once up front. */
    private record Attempt(Tenant tenant, JobRecord job, String claimKey, UsagePeriod period,
                           AdmissionDecision admission) {
    }

    /** Lets the job in (key claimed, job counted), or finds the job that owns its key, or refuses it. */
    private Mono<Submission> claim(Attempt attempt, String staleOwner, int attemptsLeft) {
        JobRecord job = attempt.job();
        if (attemptsLeft <= 0) {
            return discard(job).then(Mono.error(new IllegalStateException("idempotency key contention")));
        }
        return acceptance.run(attempt.claimKey(), usage.counterKey(job.tenantId(), attempt.period()), job.id(),
                        retention.queued(), attempt.tenant().tier().cap(), usage.counterTtl(attempt.period()),
                        attempt.admission().admitted(), staleOwner)
                .flatMap(result -> switch (result.outcome()) {
                    case ACCEPTED -> accept(job);
                    case DUPLICATE -> jobs.find(result.owner())
                            .map(original -> new Submission(original, true))
                            // The key outlived its job (or a crash left it dangling): take it over, unless a
                            // concurrent repeat does so first.
                            .switchIfEmpty(Mono.defer(() -> claim(attempt, result.owner(), attemptsLeft - 1)));
                    case AT_CAP -> discard(job).then(Mono.error(capReached(attempt)));
                    case SHED -> discard(job).then(Mono.error(shed(attempt.admission())));
                });
    }

    private ApiException capReached(Attempt attempt) {
        long now = clock.millis();
        UsagePeriod period = attempt.period();
        long cap = attempt.tenant().tier().cap();
        return ApiException.tooManyRequests(
                "monthly request cap reached: " + cap + " requests on the " + attempt.tenant().tier().wire()
                        + " tier; submissions resume at the start of next month (UTC) or after an upgrade",
                period.secondsUntilEnd(now), period.endMillis(),
                Map.of("limit_reason", "plan_cap", "limit", cap, "current", cap, "period", period.id()));
    }

    private ApiException shed(AdmissionDecision decision) {
        long seconds = admission.refused();
        return ApiException.tooManyRequests(decision.message(), seconds, clock.millis() + seconds * 1000,
                Map.of("limit_reason", decision.reason(), "limit", decision.limit(), "current", decision.current()));
    }

    /** Removes the record written for a submission that was a repeat or was refused (it was never queued). */
    private Mono<Void> discard(JobRecord job) {
        return redis.getKeys().delete(keys.job(job.id())).then();
    }

    /**
     * A job whose only attempt is known before any Redis read (it names no region, so it runs wherever a worker
     * is) and that sets no failure deadline: the attempt is registered with the record and queueing is one entry.
     */
    private static boolean plain(JobSpec spec) {
        return spec.regions().isEmpty() && spec.onFailureTimeoutMs() == null;
    }

    /** Queues a job whose record is stored, whose key it now owns and which has been counted. */
    private Mono<Submission> accept(JobRecord job) {
        admission.admitted();
        Mono<String> queued = plain(job.spec())
                ? queue.publishAt(new QueueEntry(job.id(), ANY_REGION, 0), due(job.spec())).thenReturn("")
                : queue.enqueueNew(job)
                        // enqueueNew always emits ("" or a refusal); completing empty means no plan was made and
                        // nothing was queued. Say so loudly instead of hiding it: the job would wait until its
                        // record expires.
                        .switchIfEmpty(Mono.fromSupplier(() -> {
                            log.error("job stored but not queued (the queue made no plan) job_id={} tenant={}",
                                    job.id(), job.tenantId());
                            return "";
                        }));
        // A transient Redis failure here would strand a job whose key is already claimed: try a little longer.
        return queued.retryWhen(Retry.backoff(QUEUE_ATTEMPTS, Duration.ofMillis(100))).map(refusal -> {
            if (log.isInfoEnabled()) {
                log.info("job accepted job_id={} tenant={} destination_url_host={}{}", job.id(), job.tenantId(),
                        host(job.spec().url()),
                        refusal.isEmpty() ? "" : " failed_at_once=\"" + refusal + "\"");
            }
            return new Submission(job, false, refusal.isEmpty() ? null : refusal);
        });
    }

    /**
     * The host of an http(s) URL the payload parser has already validated, as {@code URI.getHost} gives it, without
     * a URI parse per accepted job just for the log line.
     */
    static String host(String url) {
        int start = url.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        if (at >= start) {
            start = at + 1;
        }
        if (start >= end) {
            return ""; // never for a parsed job; a log line must not fail a queued submission
        }
        int stop = url.charAt(start) == '[' ? url.indexOf(']', start) + 1 : url.indexOf(':', start);
        return url.substring(start, stop > start && stop < end ? stop : end);
    }

    /** When the first attempt is due: {@code retry_at} if the client set one (a past one means now). */
    private static long due(JobSpec spec) {
        return spec.retryAt() == null ? 0 : spec.retryAt();
    }
}
