package io.ezthrottle.core.queue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.RegionPolicy;
import io.ezthrottle.core.redis.Coalescer;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Puts attempts on the right stream (any region, or one region's), now or later through the delayed set, and plans
 * the first attempts of a new job from its regions, execution mode and region policy.
 */
public final class JobQueue {

    /** Timer member kinds in the delayed set besides queue entries. */
    public static final String TIMEOUT_FALLBACK = "T";
    public static final String FAILURE_DEADLINE = "F";
    /** Spawn the on_failure follow-up of a job that failed before any worker saw it (strict region unavailable). */
    public static final String SPAWN_ON_FAILURE = "S";

    private static final String TAKE_DUE = """
            local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, m in ipairs(due) do
              redis.call('ZREM', KEYS[1], m)
              redis.call('ZADD', KEYS[2], ARGV[1], m)
            end
            local stuck = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3], 'LIMIT', 0, tonumber(ARGV[2]))
            for _, m in ipairs(stuck) do redis.call('ZADD', KEYS[2], ARGV[1], m); table.insert(due, m) end
            return due
            """;

    /** Bounded so one script call never holds Redis for long. */
    private static final int MAX_BATCH = 256;

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final AttemptLedger ledger;
    private final LiveRegions liveRegions;
    private final JobStreams streams;
    private final Clock clock;
    private final Coalescer<String, QueueEntry, StreamMessageId> entries = new Coalescer<>(MAX_BATCH, this::append);

    public JobQueue(RedissonReactiveClient redis, RedisKeys keys, AttemptLedger ledger, LiveRegions liveRegions,
                    JobStreams streams, Clock clock) {
        this.redis = redis;
        this.streams = streams;
        this.keys = keys;
        this.ledger = ledger;
        this.liveRegions = liveRegions;
        this.clock = clock;
    }

    public String streamOf(AttemptId attempt) {
        return attempt.anyRegion() ? keys.jobStream() : keys.regionStream(attempt.region());
    }

    /**
     * Appends the entry to its stream. Every accepted job passes here, so concurrent entries for one stream go out
     * together in one script call ({@link Coalescer}), in the order they were published.
     */
    public Mono<StreamMessageId> publish(QueueEntry entry) {
        return entries.submit(streamOf(entry.attempt()), entry);
    }

    private Mono<List<StreamMessageId>> append(String stream, List<QueueEntry> batch) {
        return streams.append(stream, QueueEntry.FIELDS, batch.stream().map(QueueEntry::values).toList());
    }

    /** Publishes now when due, otherwise parks the entry in the delayed set. */
    public Mono<Void> publishAt(QueueEntry entry, long dueMillis) {
        if (dueMillis <= clock.millis()) {
            return publish(entry).then();
        }
        return schedule(entry.member(), dueMillis);
    }

    public Mono<Void> schedule(String member, long dueMillis) {
        return redis.<String>getScoredSortedSet(keys.delayed(), StringCodec.INSTANCE).add(dueMillis, member).then();
    }

    /**
     * Atomically moves up to {@code limit} due members into the "moving" set and returns them, together with members
     * a crashed mover left there for over {@code stuckMillis}. Call {@link #moved} once each is handled.
     */
    public Flux<String> takeDue(int limit, long stuckMillis) {
        long now = clock.millis();
        return redis.getScript(StringCodec.INSTANCE)
                .<List<Object>>eval(RScript.Mode.READ_WRITE, TAKE_DUE, RScript.ReturnType.LIST,
                        List.of(keys.delayed(), keys.delayedMoving()), Long.toString(now), Integer.toString(limit),
                        Long.toString(now - stuckMillis))
                .flatMapIterable(l -> l)
                .map(Object::toString);
    }

    public Mono<Void> moved(String member) {
        return redis.<String>getScoredSortedSet(keys.delayedMoving(), StringCodec.INSTANCE).remove(member).then();
    }

    public Mono<Long> delayedCount() {
        return redis.<String>getScoredSortedSet(keys.delayed(), StringCodec.INSTANCE).size().map(Integer::longValue);
    }

    /** The first attempts of a new job, or an error reason when a strict region is unavailable. */
    public Mono<Plan> plan(JobSpec spec, int stage) {
        if (spec.regions().isEmpty()) {
            return Mono.just(new Plan(List.of(new AttemptId(stage, AttemptId.ANY_REGION)), null));
        }
        return liveRegions.regions().map(live -> plan(spec, stage, live));
    }

    static Plan plan(JobSpec spec, int stage, Set<String> live) {
        List<AttemptId> attempts = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String region : spec.regions()) {
            if (live.contains(region)) {
                attempts.add(new AttemptId(stage, region));
            } else {
                missing.add(region);
            }
        }
        if (!missing.isEmpty() && spec.regionPolicy() == RegionPolicy.STRICT) {
            return new Plan(List.of(), "region unavailable: " + String.join(",", missing));
        }
        if (attempts.isEmpty()) {
            // Fallback policy with none of the listed regions live: run wherever a worker is.
            attempts.add(new AttemptId(stage, AttemptId.ANY_REGION));
        }
        return new Plan(attempts, null);
    }

    /** Attempts to start, or the reason the job cannot run. */
    public record Plan(List<AttemptId> attempts, String refusal) {
    }

    /**
     * Enqueues a freshly stored job: its first attempts (at {@code retry_at} if that is in the future) and its
     * {@code on_failure_timeout_ms} deadline. Entries are written before the attempts are registered (see
     * {@link AttemptLedger}). Emits the refusal reason when the job failed at once (strict region unavailable).
     */
    public Mono<String> enqueueNew(JobRecord job) {
        JobSpec spec = job.spec();
        long due = spec.retryAt() == null ? 0 : spec.retryAt();
        Mono<Void> deadline = spec.onFailureTimeoutMs() == null ? Mono.empty()
                : schedule(FAILURE_DEADLINE + "|" + job.id(), job.createdAt() + spec.onFailureTimeoutMs());
        return plan(spec, 0).flatMap(plan -> {
            if (plan.refusal() != null) {
                // Workers spawn follow-up jobs; a due timer hands them this job's on_failure.
                Mono<Void> followUp = spec.onFailure() == null ? Mono.empty()
                        : Mono.defer(() -> schedule(SPAWN_ON_FAILURE + "|" + job.id(), clock.millis()));
                return ledger.failJob(job.id(), Map.of("error", plan.refusal()))
                        .filter(Boolean::booleanValue)
                        .flatMap(ended -> streams.publishResult(job.id()).then(followUp))
                        .thenReturn(plan.refusal());
            }
            return Flux.fromIterable(plan.attempts())
                    .concatMap(a -> publishAt(new QueueEntry(job.id(), a, 0), due).then(ledger.start(job.id(), a)))
                    .then(deadline)
                    .thenReturn("");
        });
    }
}
