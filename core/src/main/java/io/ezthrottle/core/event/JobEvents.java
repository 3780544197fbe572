package io.ezthrottle.core.event;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RTopicReactive;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * Cross-replica job lifecycle nudges for live streams (SSE). Workers publish dispatching and finished signals in
 * the same script that writes the job record ({@code AttemptLedger}, one round trip per step); {@link #dispatching},
 * {@link #finished} and {@link #position} publish them from Java. Any API replica holding a stream for that job hears
 * it through one shared Redis pub/sub channel and re-reads the record.
 *
 * <p>This is deliberately not a queue: a publish with no listener is dropped and a listener may miss messages
 * while reconnecting. The job record is the source of truth, so streams also read it on connect and on a slow
 * poll, and publishing never fails the caller (a lost nudge costs at most one poll interval of latency).
 *
 * <p>One channel for all jobs (rather than one per job) keeps the number of Redis subscriptions per replica at
 * one whatever the number of open streams; messages are routed to streams locally by job id.
 */
public final class JobEvents {

    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);

    private final RTopicReactive topic;
    private final Map<String, Set<FluxSink<JobSignal>>> listeners = new ConcurrentHashMap<>();
    /**
     * The channel subscription, made once per replica on first use and then kept (Redisson resubscribes after
     * reconnects). A failed attempt is not remembered, so the next caller tries again.
     */
    private final Mono<Integer> subscription;

    public JobEvents(RedissonReactiveClient redis, RedisKeys keys) {
        this.topic = redis.getTopic(keys.jobEvents(), StringCodec.INSTANCE);
        this.subscription = Mono.defer(() -> topic.addListener(String.class, (channel, message) -> route(JobSignal.decode(message))))
                .doOnError(e -> log.warn("cannot subscribe to job events (streams fall back to polling): {}", e.toString()))
                .cache(id -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
    }

    /** A worker started the upstream request of this job (its record already says so). */
    public Mono<Void> dispatching(String jobId) {
        return publish(JobSignal.dispatching(jobId));
    }

    /** The job's terminal state and outcome are in its record. */
    public Mono<Void> finished(String jobId) {
        return publish(JobSignal.finished(jobId));
    }

    /** The job is still waiting in its queue at {@code position} (1 = next); streams show it as a position event. */
    public Mono<Void> position(String jobId, long position) {
        return publish(new JobSignal(JobSignal.Type.POSITION, jobId, position));
    }

    /**
     * Completes once this replica listens on the channel (at once after the first time), so signals published from
     * then on reach {@link #signals} subscribers. Errors when Redis cannot be reached; callers may go on without.
     */
    public Mono<Void> ready() {
        return subscription.then();
    }

    /**
     * Signals for one job from now on, from every replica. Hot: nothing is replayed, so a caller subscribes first
     * (after {@link #ready()}) and reads the job record afterwards. The listener is registered synchronously on
     * subscription; cancelling the subscription releases it.
     */
    public Flux<JobSignal> signals(String jobId) {
        return Flux.create(sink -> {
            listeners.computeIfAbsent(jobId, id -> new CopyOnWriteArraySet<>()).add(sink);
            sink.onDispose(() -> listeners.computeIfPresent(jobId, (id, sinks) -> {
                sinks.remove(sink);
                return sinks.isEmpty() ? null : sinks;
            }));
        });
    }

    /** Number of jobs with at least one local listener (for metrics and tests). */
    public int watchedJobs() {
        return listeners.size();
    }

    private Mono<Void> publish(JobSignal signal) {
        return topic.publish(signal.encode())
                .onErrorResume(e -> {
                    log.debug("job signal not published job_id={}: {}", signal.jobId(), e.toString());
                    return Mono.empty();
                })
                .then();
    }

    private void route(JobSignal signal) {
        if (signal == null) {
            return;
        }
        Set<FluxSink<JobSignal>> sinks = listeners.get(signal.jobId());
        if (sinks != null) {
            sinks.forEach(s -> s.next(signal));
        }
    }
}
