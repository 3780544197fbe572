package io.ezthrottle.core.event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import io.ezthrottle.core.redis.Coalescer;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RScript;
import org.redisson.api.RTopicReactive;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * Cross-replica job lifecycle nudges for live streams (SSE). Workers call {@link #dispatching} and
 * {@link #finished} after writing the job record; any API replica holding a stream for that job hears it through
 * one shared Redis pub/sub channel and re-reads the record.
 *
 * <p>This is deliberately not a queue: a publish with no listener is dropped and a listener may miss messages
 * while reconnecting. The job record is the source of truth, so streams also read it on connect and on a slow
 * poll, and publishing never fails the caller (a lost nudge costs at most one poll interval of latency).
 *
 * <p>One channel for all jobs (rather than one per job) keeps the number of Redis subscriptions per replica at
 * one whatever the number of open streams; messages are routed to streams locally by job id. A worker publishes
 * twice per job, so concurrent publishes go out together in one script call ({@link Coalescer}).
 */
public final class JobEvents {

    private static final Logger log = LoggerFactory.getLogger(JobEvents.class);
    /** ARGV[1] channel, then the messages. PUBLISH takes no key, so this runs on any node of a cluster. */
    private static final String PUBLISH_ALL = """
            for i = 2, #ARGV do redis.call('PUBLISH', ARGV[1], ARGV[i]) end
            return #ARGV - 1
            """;
    private static final int MAX_BATCH = 256;

    private final RedissonReactiveClient redis;
    private final String channel;
    private final RTopicReactive topic;
    private final Coalescer<String, String, Boolean> publishes = new Coalescer<>(MAX_BATCH, this::publishAll);
    private final Map<String, Set<FluxSink<JobSignal>>> listeners = new ConcurrentHashMap<>();
    /**
     * The channel subscription, made once per replica on first use and then kept (Redisson resubscribes after
     * reconnects). A failed attempt is not remembered, so the next caller tries again.
     */
    private final Mono<Integer> subscription;

    public JobEvents(RedissonReactiveClient redis, RedisKeys keys) {
        this.redis = redis;
        this.channel = keys.jobEvents();
        this.topic = redis.getTopic(keys.jobEvents(), StringCodec.INSTANCE);
        this.subscription = Mono.defer(() -> topic.addListener(String.class, (channel, message) -> route(JobSignal.decode(message))))
                .doOnError(e -> log.warn("cannot subscribe to job events (streams fall back to polling): {}", e.toString()))
                .cache(id -> Duration.ofMillis(Long.MAX_VALUE), e -> Duration.ZERO, () -> Duration.ZERO);
    }

    /** A worker started the upstream request of this job (its record already says so). */
    public Mono<Void> dispatching(String jobId) {
        return publish(new JobSignal(JobSignal.Type.DISPATCHING, jobId, 0));
    }

    /** The job's terminal state and outcome are in its record. */
    public Mono<Void> finished(String jobId) {
        return publish(new JobSignal(JobSignal.Type.FINISHED, jobId, 0));
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
        return publishes.submit(channel, signal.encode())
                .onErrorResume(e -> {
                    log.debug("job signal not published job_id={}: {}", signal.jobId(), e.toString());
                    return Mono.empty();
                })
                .then();
    }

    private Mono<List<Boolean>> publishAll(String channel, List<String> messages) {
        List<Object> args = new ArrayList<>(messages.size() + 1);
        args.add(channel);
        args.addAll(messages);
        return redis.getScript(StringCodec.INSTANCE)
                .<Long>eval(RScript.Mode.READ_WRITE, PUBLISH_ALL, RScript.ReturnType.LONG, List.of(), args.toArray())
                .thenReturn(Collections.nCopies(messages.size(), Boolean.TRUE));
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
