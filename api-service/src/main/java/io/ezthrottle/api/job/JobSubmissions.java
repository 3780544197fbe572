package io.ezthrottle.api.job;

import java.time.Clock;
import java.util.List;

import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobRetention;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.queue.JobQueue;
import io.ezthrottle.core.tenant.ApiKeys;
import io.ezthrottle.core.tenant.Tenant;
import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Accepts jobs: stores the record, claims the tenant's idempotency key atomically (SET NX), then appends the job
 * to the intake stream. A duplicate key returns the original job, discards the record written for the repeat and
 * queues nothing.
 * <p>
 * The record is written <em>before</em> the key is claimed, so a claimed key whose record is missing really is
 * dangling (its job expired) and never a submission still in flight; taking such a key over is a compare-and-set,
 * so concurrent repeats of one key agree on a single job.
 */
@Service
public class JobSubmissions {

    private static final Logger log = LoggerFactory.getLogger(JobSubmissions.class);
    /** Rounds of SET NX / take-over before giving up (each lost round means another submission won the key). */
    private static final int MAX_CLAIM_ATTEMPTS = 5;
    /** KEYS[1] idempotency key; ARGV[1] the dangling job id; ARGV[2] new job id; ARGV[3] ttl ms. */
    private static final String TAKE_OVER = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
              return 1
            end
            return 0
            """;

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final RedisJobStore jobs;
    private final JobQueue queue;
    private final JobIds ids;
    private final JobRetention retention;
    private final Clock clock;

    public JobSubmissions(RedissonReactiveClient redis, RedisKeys keys, RedisJobStore jobs, JobQueue queue,
                          JobIds ids, JobRetention retention, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.jobs = jobs;
        this.queue = queue;
        this.ids = ids;
        this.retention = retention;
        this.clock = clock;
    }

    public Mono<Submission> submit(Tenant tenant, JobSpec submitted, Surface surface) {
        String key = submitted.idempotentKey() != null ? submitted.idempotentKey()
                : IdempotencyKeys.hashKey(tenant.id(), submitted);
        JobSpec spec = submitted.withIdempotentKey(key);
        String jobId = ids.next();
        long now = clock.millis();
        JobRecord job = new JobRecord(jobId, tenant.id(), surface, JobState.QUEUED, spec, key, now, now, 0, null, null, null);
        String claimKey = keys.idempotency(tenant.id(), ApiKeys.sha256Hex(key));
        return jobs.create(job)
                .then(Mono.defer(() -> claim(claimKey, job, MAX_CLAIM_ATTEMPTS)))
                .flatMap(submission -> submission.duplicate()
                        ? discard(job).thenReturn(submission)
                        : Mono.just(submission));
    }

    /** Claims the key for {@code job} (already stored), or finds the job that owns it. */
    private Mono<Submission> claim(String claimKey, JobRecord job, int attemptsLeft) {
        if (attemptsLeft <= 0) {
            return discard(job).then(Mono.error(new IllegalStateException("idempotency key contention: " + claimKey)));
        }
        var claim = redis.<String>getBucket(claimKey, StringCodec.INSTANCE);
        return claim.setIfAbsent(job.id(), retention.queued())
                .flatMap(claimed -> claimed
                        ? accept(job)
                        : claim.get()
                                .flatMap(existing -> jobs.find(existing)
                                        .map(original -> new Submission(original, true))
                                        // The key outlived its job (or a crash left it dangling): take it over, unless
                                        // a concurrent repeat did so first.
                                        .switchIfEmpty(Mono.defer(() -> takeOver(claimKey, existing, job.id())
                                                .flatMap(won -> won ? accept(job)
                                                        : claim(claimKey, job, attemptsLeft - 1)))))
                                // The key expired between SET NX and GET: start over.
                                .switchIfEmpty(Mono.defer(() -> claim(claimKey, job, attemptsLeft - 1))));
    }

    /** Points the key at {@code jobId} only if it still names the dangling {@code stale} job. */
    private Mono<Boolean> takeOver(String claimKey, String stale, String jobId) {
        return redis.getScript(StringCodec.INSTANCE)
                .<Long>eval(RScript.Mode.READ_WRITE, TAKE_OVER, RScript.ReturnType.LONG, List.of(claimKey),
                        stale, jobId, Long.toString(retention.queued().toMillis()))
                .map(result -> Long.valueOf(1L).equals(result));
    }

    /** Removes the record written for a submission that turned out to be a repeat (it was never queued). */
    private Mono<Void> discard(JobRecord job) {
        return redis.getKeys().delete(keys.job(job.id())).then();
    }

    /** Queues a job whose record is stored and whose key it now owns. */
    private Mono<Submission> accept(JobRecord job) {
        return queue.enqueueNew(job)
                .doOnSuccess(id -> log.info("job accepted job_id={} tenant={} destination_url_host={}", job.id(),
                        job.tenantId(), java.net.URI.create(job.spec().url()).getHost()))
                .thenReturn(new Submission(job, false));
    }
}
