package io.ezthrottle.worker.intake;

import java.util.Map;

import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.queue.QueueEntry;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.core.tenant.ApiKeys;
import io.ezthrottle.core.throttle.Destination;
import io.ezthrottle.core.throttle.DomainLimits;
import io.ezthrottle.worker.pacing.DestinationLanes;
import io.ezthrottle.worker.pacing.LimitsCache;
import io.ezthrottle.worker.workflow.Stages;
import org.redisson.api.stream.StreamMessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns a stream entry (new, pulled back from overflow, or reclaimed from a dead worker) into a job held in its
 * destination's lane. Entries whose job is gone or already finished are acknowledged and dropped here.
 */
@Component
public class EntryAcceptor {

    private static final Logger log = LoggerFactory.getLogger(EntryAcceptor.class);

    private final RedisJobStore jobs;
    private final JobStreams streams;
    private final DestinationLanes lanes;
    private final LimitsCache limits;
    private final HeldJobs held;

    public EntryAcceptor(RedisJobStore jobs, JobStreams streams, DestinationLanes lanes, LimitsCache limits, HeldJobs held) {
        this.jobs = jobs;
        this.streams = streams;
        this.lanes = lanes;
        this.limits = limits;
        this.held = held;
        lanes.onPulled(e -> accept(e.stream(), e.id(), e.fields(), null).subscribe());
    }

    public Mono<Void> accept(String stream, StreamMessageId id, Map<String, String> fields, String deadOwner) {
        return load(stream, id, fields, deadOwner).flatMap(Placement::place);
    }

    /**
     * Reads what an entry needs (its job record, its destination's limits) and emits the step that places it. The
     * reads of a batch of entries run concurrently; the placements then run in stream order, so a lane still sees
     * its jobs first-in first-out while intake is not one Redis round trip per entry.
     */
    public Mono<Placement> load(String stream, StreamMessageId id, Map<String, String> fields, String deadOwner) {
        QueueEntry entry = QueueEntry.from(fields);
        if (entry == null) {
            return Mono.just(() -> done(stream, id));
        }
        return jobs.find(entry.jobId())
                .flatMap(job -> hold(stream, id, entry, job, deadOwner))
                .switchIfEmpty(Mono.fromSupplier(() -> () -> gone(stream, id, entry)));
    }

    /** How a loaded entry is put where it belongs (a lane, or acknowledged and dropped). */
    @FunctionalInterface
    public interface Placement {
        Mono<Void> place();
    }

    private Mono<Placement> hold(String stream, StreamMessageId id, QueueEntry entry, JobRecord job, String deadOwner) {
        if (job.state().terminal()) {
            // A reclaimed entry of a finished job: its finisher may have died before publishing.
            Mono<Void> republish = deadOwner == null ? Mono.empty() : streams.publishResult(job.id()).then();
            return Mono.just(() -> republish.then(done(stream, id)));
        }
        JobSpec stage = Stages.spec(job.spec(), entry.attempt().stage());
        if (stage == null) {
            log.warn("entry names a missing stage job_id={} attempt={}", job.id(), entry.attempt());
            return Mono.just(() -> done(stream, id));
        }
        String destination = Destination.of(stage.url());
        return limits.get(destination).map(l -> () -> {
            PendingJob pending = new PendingJob(stream, id, entry, job, stage, destination, account(job, stage, l),
                    deadOwner, System.nanoTime());
            held.add(pending);
            lanes.enqueue(pending);
            return Mono.empty();
        });
    }

    private Mono<Void> gone(String stream, StreamMessageId id, QueueEntry entry) {
        log.info("job record gone (expired) job_id={}; dropping its entry", entry.jobId());
        return done(stream, id);
    }

    /**
     * The account queue of a job: tenant plus user id plus the API key it sends upstream (compat-protocol §6.4,
     * A13), hashed so no credential ends up in a Redis key name.
     */
    static String account(JobRecord job, JobSpec stage, DomainLimits limits) {
        if (!limits.accountQueue()) {
            return "shared";
        }
        String apiKey = null;
        for (String name : new String[] {"Authorization", "authorization", "x-api-key", "X-Api-Key", "api-key"}) {
            apiKey = stage.headers().get(name);
            if (apiKey != null) {
                break;
            }
        }
        String user = job.spec().userId() == null ? "anonymous" : job.spec().userId();
        return ApiKeys.sha256Hex(job.tenantId() + ":" + user + ":" + (apiKey == null ? "" : apiKey)).substring(0, 16);
    }

    private Mono<Void> done(String stream, StreamMessageId id) {
        return streams.done(streams.stream(stream), StreamGroups.WORKERS, id);
    }
}
