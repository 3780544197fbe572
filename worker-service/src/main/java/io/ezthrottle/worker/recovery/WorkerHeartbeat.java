package io.ezthrottle.worker.recovery;

import java.time.Duration;

import io.ezthrottle.core.queue.LiveRegions;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.region.WorkerIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * Announces this worker as alive (and its region as served) every second. Other workers reclaim the stream entries
 * of a consumer whose heartbeat has lapsed, so a killed worker's jobs move on within {@code heartbeatTtl}. Starts
 * first and stops last: on a graceful stop the heartbeat is withdrawn only after in-flight calls finished.
 */
@Component
public class WorkerHeartbeat implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WorkerHeartbeat.class);

    private final LiveRegions liveRegions;
    private final WorkerIdentity identity;
    private final WorkerProperties properties;
    private volatile Disposable beating;

    public WorkerHeartbeat(LiveRegions liveRegions, WorkerIdentity identity, WorkerProperties properties) {
        this.liveRegions = liveRegions;
        this.identity = identity;
        this.properties = properties;
    }

    @Override
    public void start() {
        long ttl = properties.heartbeatTtl().toMillis();
        // The first beat happens before the worker reads anything, so it is never mistaken for a dead consumer.
        liveRegions.beat(identity.region(), identity.consumer(), ttl).block(Duration.ofSeconds(30));
        // A beat slower than the period (loaded host, slow Redis) skips ticks instead of ending the heartbeat with an
        // OverflowException: a stopped heartbeat makes the worker look dead while it still runs its attempts.
        beating = Flux.interval(Duration.ofMillis(Math.max(100, ttl / 4)))
                .onBackpressureDrop()
                .concatMap(t -> liveRegions.beat(identity.region(), identity.consumer(), ttl)
                        .onErrorResume(e -> {
                            log.warn("heartbeat failed: {}", e.toString());
                            return reactor.core.publisher.Mono.empty();
                        }))
                .subscribe();
    }

    @Override
    public void stop() {
        if (beating != null) {
            beating.dispose();
        }
        liveRegions.leave(identity.region(), identity.consumer()).onErrorResume(e -> reactor.core.publisher.Mono.empty())
                .block(Duration.ofSeconds(5));
        beating = null;
    }

    @Override
    public boolean isRunning() {
        return beating != null;
    }

    @Override
    public int getPhase() {
        return 0;
    }
}
