package io.ezthrottle.core.event;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * Cross-replica job lifecycle nudges for live streams (SSE). Workers call {@link #dispatching} and
 * {@link #finished} after writing the job record; any API replica holding a stream for that job hears it through
 * one shared Redis pub/sub channel and re-reads the record.
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
    private final AtomicBoolean subscribed = new AtomicBoolean();

    public JobEvents(RedissonReactiveClient redis, RedisKeys keys) {
        this.topic = redis.getTopic(keys.jobEvents(), StringCodec.INSTANCE);
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
     * Signals for one job from now on, from every replica. Hot: nothing is replayed, so a caller subscribes first
     * and reads the job record afterwards. Cancelling the subscription releases it.
     */
    public Flux<JobSignal> signals(String jobId) {
        return Flux.<JobSignal>create(sink -> {
            listeners.computeIfAbsent(jobId, id -> new CopyOnWriteArraySet<>()).add(sink);
            sink.onDispose(() -> listeners.computeIfPresent(jobId, (id, sinks) -> {
                sinks.remove(sink);
                return sinks.isEmpty() ? null : sinks;
            }));
            ensureSubscribed();
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

    /** Subscribes the channel once per replica, on the first local listener; Redisson resubscribes after reconnects. */
    private void ensureSubscribed() {
        if (subscribed.compareAndSet(false, true)) {
            topic.addListener(String.class, (channel, message) -> route(JobSignal.decode(message)))
                    .doOnError(e -> {
                        subscribed.set(false);
                        log.warn("cannot subscribe to job events (streams fall back to polling): {}", e.toString());
                    })
                    .subscribe(id -> { }, e -> { });
        }
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
