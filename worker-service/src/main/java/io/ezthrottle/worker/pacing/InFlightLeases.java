package io.ezthrottle.worker.pacing;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.ezthrottle.core.redis.Coalescer;
import io.ezthrottle.core.throttle.InFlightLimiter;
import io.ezthrottle.worker.WorkerProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The in-flight tokens this worker holds. Leases are short (twice the heartbeat TTL) and renewed while the call
 * lasts, so a killed worker's tokens free themselves within seconds instead of blocking its destinations for a
 * whole upstream timeout. Tokens of a busy destination come back many at a time, so releases made while one is in
 * flight go out together ({@link Coalescer}).
 */
@Component
public class InFlightLeases implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InFlightLeases.class);

    private static final int MAX_RELEASE_BATCH = 256;

    private final Map<String, String> held = new ConcurrentHashMap<>();
    private final InFlightLimiter limiter;
    private final Coalescer<String, String, Boolean> releases;
    private final WorkerProperties properties;
    private volatile Disposable renewing;

    public InFlightLeases(InFlightLimiter limiter, WorkerProperties properties) {
        this.limiter = limiter;
        this.properties = properties;
        this.releases = new Coalescer<>(MAX_RELEASE_BATCH, (destination, tokens) ->
                limiter.release(destination, tokens).thenReturn(Collections.nCopies(tokens.size(), Boolean.TRUE)));
    }

    public long leaseMillis() {
        return properties.heartbeatTtl().toMillis() * 2;
    }

    public void hold(String destination, List<String> tokens) {
        tokens.forEach(t -> held.put(t, destination));
    }

    public Mono<Void> release(String destination, String token) {
        held.remove(token);
        return releases.submit(destination, token).then();
    }

    @Override
    public void start() {
        renewing = Flux.interval(Duration.ofMillis(Math.max(100, properties.heartbeatTtl().toMillis() / 4)))
                .onBackpressureDrop()
                .concatMap(t -> {
                    Map<String, List<String>> byDestination = held.entrySet().stream().collect(
                            Collectors.groupingBy(Map.Entry::getValue, Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
                    return Flux.fromIterable(byDestination.entrySet())
                            .concatMap(e -> limiter.renew(e.getKey(), e.getValue(), leaseMillis()))
                            .onErrorResume(e -> {
                                log.warn("in-flight lease renewal failed: {}", e.toString());
                                return Mono.empty();
                            });
                })
                .subscribe();
    }

    @Override
    public void stop() {
        if (renewing != null) {
            renewing.dispose();
            renewing = null;
        }
    }

    @Override
    public boolean isRunning() {
        return renewing != null;
    }

    /** Renews until after the intake stopped (graceful shutdown lets calls finish first). */
    @Override
    public int getPhase() {
        return 100;
    }
}
