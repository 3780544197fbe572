package io.ezthrottle.worker.intake;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.dispatch.AttemptRunner;
import io.ezthrottle.worker.pacing.DestinationLanes;
import io.ezthrottle.worker.region.WorkerIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Reads this worker's streams (the any-region stream and its own region's) through the workers' consumer group,
 * only while it holds fewer than {@code maxLocalJobs} entries. On shutdown it stops reading, lets in-flight calls
 * finish, and leaves everything else pending for the other workers to reclaim.
 */
@Component
public class JobIntake implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobIntake.class);
    /** Job records read at once while taking in a batch (one round trip per entry in turn would cap intake). */
    private static final int LOAD_CONCURRENCY = 32;

    private final JobStreams streams;
    private final RedisKeys keys;
    private final EntryAcceptor acceptor;
    private final HeldJobs held;
    private final DestinationLanes lanes;
    private final AttemptRunner runner;
    private final WorkerProperties properties;
    private final WorkerIdentity identity;
    private final List<Disposable> loops = new ArrayList<>();
    private volatile boolean running;

    public JobIntake(JobStreams streams, RedisKeys keys, EntryAcceptor acceptor, HeldJobs held, DestinationLanes lanes,
                     AttemptRunner runner, WorkerProperties properties, WorkerIdentity identity) {
        this.streams = streams;
        this.keys = keys;
        this.acceptor = acceptor;
        this.held = held;
        this.lanes = lanes;
        this.runner = runner;
        this.properties = properties;
        this.identity = identity;
    }

    @Override
    public void start() {
        running = true;
        for (String stream : List.of(keys.jobStream(), keys.regionStream(identity.region()))) {
            loops.add(streams.ensureGroup(streams.stream(stream), StreamGroups.WORKERS)
                    .then(Mono.defer(() -> pollOnce(stream)).repeat(() -> running).then())
                    .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                            .doBeforeRetry(s -> log.warn("intake error on {}, retrying: {}", stream, s.failure().toString())))
                    .subscribe());
        }
        log.info("worker {} (region {}) reading", identity.consumer(), identity.region());
    }

    private Mono<Void> pollOnce(String stream) {
        int room = properties.maxLocalJobs() - held.count();
        if (room <= 0) {
            return Mono.delay(Duration.ofMillis(50)).then();
        }
        return streams.read(streams.stream(stream), StreamGroups.WORKERS, identity.consumer(),
                        Math.min(room, properties.batchSize()), properties.pollTimeout())
                .flatMapIterable(Map::entrySet)
                .flatMapSequential(e -> acceptor.load(stream, e.getKey(), e.getValue(), null), LOAD_CONCURRENCY)
                .concatMap(EntryAcceptor.Placement::place)
                .then();
    }

    @Override
    public void stop() {
        running = false;
        loops.forEach(Disposable::dispose);
        lanes.close();
        // Let calls already on the wire finish; entries not yet dispatched stay pending and are reclaimed by
        // the other workers once this one's heartbeat is gone.
        long deadline = System.nanoTime() + properties.upstreamTimeout().toNanos();
        while (runner.active() > 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        log.info("worker {} stopped: {} calls still active, {} entries handed back", identity.consumer(),
                runner.active(), lanes.waiting());
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the heartbeat (which stops last), starts after it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }
}
