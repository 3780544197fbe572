package io.ezthrottle.worker.recovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.ezthrottle.core.queue.LiveRegions;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.intake.EntryAcceptor;
import io.ezthrottle.worker.intake.HeldJobs;
import io.ezthrottle.worker.pacing.DestinationLanes;
import io.ezthrottle.worker.pacing.Overflow;
import io.ezthrottle.worker.region.WorkerIdentity;
import org.redisson.api.RStreamReactive;
import org.redisson.api.stream.PendingEntry;
import org.redisson.api.stream.StreamMessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Recovers the work of dead workers: every {@code reclaimInterval} it looks at the pending entries of each stream
 * this worker serves (plus every indexed overflow stream), and claims those held by consumers whose heartbeat has
 * lapsed. The claimed entries go through the normal intake, marked with their dead owner so an attempt the dead
 * worker had already started is run again (at-least-once) rather than dropped. The same pass tells lanes about
 * overflow backlogs and retires idle lanes.
 */
@Component
public class PendingReclaimer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PendingReclaimer.class);

    private final JobStreams streams;
    private final RedisKeys keys;
    private final LiveRegions liveRegions;
    private final EntryAcceptor acceptor;
    private final Overflow overflow;
    private final DestinationLanes lanes;
    private final WorkerIdentity identity;
    private final WorkerProperties properties;
    private final HeldJobs held;
    private volatile Disposable loop;
    private volatile long lastOrphanSweep = System.nanoTime();

    public PendingReclaimer(JobStreams streams, RedisKeys keys, LiveRegions liveRegions, EntryAcceptor acceptor,
                            Overflow overflow, DestinationLanes lanes, WorkerIdentity identity, WorkerProperties properties,
                            HeldJobs held) {
        this.streams = streams;
        this.keys = keys;
        this.liveRegions = liveRegions;
        this.acceptor = acceptor;
        this.overflow = overflow;
        this.lanes = lanes;
        this.identity = identity;
        this.properties = properties;
        this.held = held;
    }

    @Override
    public void start() {
        loop = Flux.interval(properties.reclaimInterval())
                .onBackpressureDrop()
                .concatMap(t -> pass().onErrorResume(e -> {
                    log.warn("reclaim pass failed: {}", e.toString());
                    return Mono.empty();
                }))
                .subscribe();
    }

    Mono<Void> pass() {
        lanes.retireIdle();
        return Mono.zip(liveRegions.liveWorkers().defaultIfEmpty(Set.of()), overflow.indexed().defaultIfEmpty(List.of())).flatMap(t -> {
            Set<String> live = t.getT1().stream().map(w -> w.substring(w.indexOf('|') + 1)).collect(Collectors.toSet());
            List<String> overflowKeys = t.getT2();
            overflowKeys.forEach(key -> {
                String destination = overflow.destinationOf(key);
                if (destination != null) {
                    lanes.noteOverflow(destination, key);
                }
            });
            List<String> all = new ArrayList<>(List.of(keys.jobStream(), keys.regionStream(identity.region())));
            all.addAll(overflowKeys);
            boolean orphans = System.nanoTime() - lastOrphanSweep > properties.orphanIdle().toNanos() / 4;
            if (orphans) {
                lastOrphanSweep = System.nanoTime();
            }
            return Flux.fromIterable(all)
                    .concatMap(stream -> reclaim(stream, live).then(orphans ? takeUpOrphans(stream) : Mono.empty()))
                    .then();
        });
    }

    private Mono<Void> reclaim(String key, Set<String> live) {
        RStreamReactive<String, String> stream = streams.stream(key);
        return stream.getPendingInfo(StreamGroups.WORKERS)
                .onErrorResume(e -> nothingPending(e, "pending info", key))
                .flatMapIterable(info -> info.getConsumerNames().keySet())
                .filter(consumer -> !live.contains(consumer) && !consumer.equals(identity.consumer()))
                .concatMap(dead -> stream.pendingRange(StreamGroups.WORKERS, dead, StreamMessageId.MIN, StreamMessageId.MAX, 200)
                        .flatMap(pending -> pending.isEmpty()
                                ? stream.removeConsumer(StreamGroups.WORKERS, dead).then(Mono.<Map<StreamMessageId, Map<String, String>>>empty())
                                : stream.claim(StreamGroups.WORKERS, identity.consumer(), 500, TimeUnit.MILLISECONDS,
                                        pending.keySet().toArray(StreamMessageId[]::new)))
                        .flatMapIterable(Map::entrySet)
                        .concatMap(e -> acceptor.accept(key, e.getKey(), e.getValue(), dead))
                        .count()
                        .doOnNext(n -> {
                            if (n > 0) {
                                log.info("reclaimed {} entries of dead worker {} from {}", n, dead, key);
                            }
                        }))
                .then();
    }

    /**
     * Entries still pending for this worker that it no longer holds: their claim or parking failed on a Redis error
     * (or a stable consumer name came back after a crash). Nobody else would take them while this worker lives, so
     * after {@code orphanIdle} it claims them again itself; as their owner it may re-run an attempt it had marked
     * dispatching but never called.
     */
    private Mono<Void> takeUpOrphans(String key) {
        RStreamReactive<String, String> stream = streams.stream(key);
        long idle = properties.orphanIdle().toMillis();
        return stream.listPending(StreamGroups.WORKERS, identity.consumer(), StreamMessageId.MIN, StreamMessageId.MAX,
                        idle, TimeUnit.MILLISECONDS, 200)
                .map(pending -> pending.stream().map(PendingEntry::getId).filter(id -> !held.holds(key, id))
                        .toArray(StreamMessageId[]::new))
                .filter(ids -> ids.length > 0)
                // claiming with the same minimum idle time skips an entry that was touched meanwhile
                .flatMap(ids -> stream.claim(StreamGroups.WORKERS, identity.consumer(), idle, TimeUnit.MILLISECONDS, ids))
                .flatMapIterable(Map::entrySet)
                .concatMap(e -> {
                    log.warn("taking up orphaned entry {} of {} job_id={}", e.getKey(), key, e.getValue().get("job_id"));
                    return acceptor.accept(key, e.getKey(), e.getValue(), identity.consumer());
                })
                .onErrorResume(e -> nothingPending(e, "orphan sweep", key))
                .then();
    }

    /** A stream or group that does not exist yet has nothing pending; any other failure is worth a line. */
    private static <T> Mono<T> nothingPending(Throwable e, String what, String key) {
        if (!String.valueOf(e.getMessage()).contains("NOGROUP")) {
            log.warn("{} of {} failed: {}", what, key, e.toString());
        }
        return Mono.empty();
    }

    @Override
    public void stop() {
        if (loop != null) {
            loop.dispose();
            loop = null;
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

}
