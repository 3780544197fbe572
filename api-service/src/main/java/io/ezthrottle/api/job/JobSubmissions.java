package io.ezthrottle.api.job;

import java.time.Clock;

import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobRetention;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.tenant.ApiKeys;
import io.ezthrottle.core.tenant.Tenant;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Accepts jobs: claims the tenant's idempotency key atomically (SET NX), stores the record, then appends the job
 * to the intake stream. A duplicate key returns the original job and queues nothing.
 */
@Service
public class JobSubmissions {

    private static final Logger log = LoggerFactory.getLogger(JobSubmissions.class);

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final RedisJobStore jobs;
    private final JobStreams streams;
    private final JobIds ids;
    private final JobRetention retention;
    private final Clock clock;

    public JobSubmissions(RedissonReactiveClient redis, RedisKeys keys, RedisJobStore jobs, JobStreams streams,
                          JobIds ids, JobRetention retention, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.jobs = jobs;
        this.streams = streams;
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
        var claim = redis.<String>getBucket(keys.idempotency(tenant.id(), ApiKeys.sha256Hex(key)), StringCodec.INSTANCE);
        return claim.setIfAbsent(jobId, retention.queued())
                .flatMap(claimed -> claimed
                        ? accept(job)
                        : claim.get().flatMap(existing -> jobs.find(existing)
                                .map(original -> new Submission(original, true))
                                // The key outlived its job (or a crash left it dangling): take it over.
                                .switchIfEmpty(Mono.defer(() -> claim.set(jobId, retention.queued()).then(accept(job))))));
    }

    private Mono<Submission> accept(JobRecord job) {
        return jobs.create(job)
                .then(streams.publishJob(job.id()))
                .doOnSuccess(id -> log.info("job accepted job_id={} tenant={} destination_url_host={}", job.id(),
                        job.tenantId(), java.net.URI.create(job.spec().url()).getHost()))
                .thenReturn(new Submission(job, false));
    }
}
