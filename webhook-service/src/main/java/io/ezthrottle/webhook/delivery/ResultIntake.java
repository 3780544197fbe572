package io.ezthrottle.webhook.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.ezthrottle.core.delivery.DeliveryPlan;
import io.ezthrottle.core.delivery.DeliveryShards;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.delivery.Planned;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.webhook.WebhookProperties;
import org.redisson.api.stream.StreamMessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;

/**
 * Reads the results stream through the webhook consumer group and turns each finished job into a durable delivery
 * plan. An entry is acknowledged as soon as its plan is in Redis (not when its webhooks answered: from then on the
 * plan itself carries the delivery through retries and crashes). Entries a dead replica had read but not
 * acknowledged are taken over after {@code reclaim-idle}.
 */
@Component
public class ResultIntake implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ResultIntake.class);
    /** Bounds one reclaim pass (pages of {@code batch-size}); the rest waits for the next pass. */
    private static final int MAX_RECLAIM_PAGES = 1000;

    private final JobStreams streams;
    private final FinishedJobs finished;
    private final DeliveryStore deliveries;
    private final DeliveryDispatcher dispatcher;
    private final WebhookProperties properties;
    private final String consumer;
    private volatile boolean running;
    private volatile Sinks.Empty<Void> stopped = Sinks.empty();
    private Disposable loop;
    private Disposable reclaim;

    public ResultIntake(JobStreams streams, FinishedJobs finished, DeliveryStore deliveries,
                        DeliveryDispatcher dispatcher, WebhookProperties properties) {
        this.streams = streams;
        this.finished = finished;
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.properties = properties;
        this.consumer = properties.consumerName() != null && !properties.consumerName().isBlank()
                ? properties.consumerName() : "webhook-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void start() {
        running = true;
        Sinks.Empty<Void> done = Sinks.empty();
        stopped = done;
        loop = streams.ensureGroup(streams.results(), StreamGroups.WEBHOOKS)
                .then(Mono.defer(this::pollOnce).repeat(() -> running).then())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(s -> log.warn("result loop error, retrying: {}", s.failure().toString())))
                .doFinally(s -> done.tryEmitEmpty())
                .subscribe();
        reclaim = Flux.interval(properties.reclaimIdle(), properties.reclaimIdle())
                .concatMap(t -> reclaimOnce().onErrorResume(e -> Mono.empty()), 1)
                .subscribe();
    }

    /**
     * Reads no more results than this replica has room to attempt, reserving the room first and waiting for it when
     * the replica is full (at most a poll timeout, so a stop is noticed): a result read without room would be
     * planned and then handed back to the schedule, to be claimed and read again, which costs more than leaving it
     * in the stream, where another replica may take it.
     */
    private Mono<Void> pollOnce() {
        int batch = properties.batchSize();
        return dispatcher.reserve(Math.min(batch, properties.maxInFlight() / 2), batch, properties.pollTimeout())
                .flatMap(reserved -> read(reserved)
                        .flatMap(entries -> handleAll(entries, reserved))
                        .doFinally(s -> reserved.end()));
    }

    private Mono<Map<StreamMessageId, Map<String, String>>> read(InFlightAttempts.Reservation reserved) {
        int count = reserved.places();
        if (count == 0 || !running) {
            return Mono.empty();
        }
        return streams.read(streams.results(), StreamGroups.WEBHOOKS, consumer, count, properties.pollTimeout());
    }

    /**
     * Takes over entries that another consumer read and never acknowledged (it died between read and plan), and
     * looks again at entries held for a live stream. Walks the whole pending list: held entries stay pending, so
     * stopping after the first page could leave a dead consumer's entries behind them forever.
     */
    private Mono<Void> reclaimOnce() {
        return reclaimFrom(StreamMessageId.MIN, 0);
    }

    private Mono<Void> reclaimFrom(StreamMessageId start, int page) {
        return streams.results()
                .autoClaim(StreamGroups.WEBHOOKS, consumer, properties.reclaimIdle().toMillis(), TimeUnit.MILLISECONDS,
                        start, properties.batchSize())
                .flatMap(result -> handleAll(result.getMessages(), dispatcher.noReservation())
                        .then(Mono.defer(() -> {
                            StreamMessageId next = result.getNextId();
                            boolean more = next != null && !next.equals(StreamMessageId.MIN) && !next.equals(start)
                                    && page < MAX_RECLAIM_PAGES;
                            return more ? reclaimFrom(next, page + 1) : Mono.<Void>empty();
                        })));
    }

    /**
     * Plans a batch: reads its jobs in one pipelined round trip, plans them with one script call per delivery shard,
     * starts the attempts, then acknowledges and deletes the handled entries together. If the jobs cannot be read,
     * or a shard's plan fails, its entries stay pending and are reclaimed later.
     */
    private Mono<Void> handleAll(Map<StreamMessageId, Map<String, String>> entries,
                                 InFlightAttempts.Reservation reserved) {
        if (entries.isEmpty()) {
            return Mono.empty();
        }
        List<StreamMessageId> nothingToDo = new ArrayList<>();
        List<StreamMessageId> ids = new ArrayList<>(entries.size());
        List<String> jobIds = new ArrayList<>(entries.size());
        entries.forEach((entry, fields) -> {
            String jobId = fields.get(StreamGroups.JOB_ID);
            if (jobId == null) {
                nothingToDo.add(entry);
            } else {
                ids.add(entry);
                jobIds.add(jobId);
            }
        });
        return finished.lookUp(jobIds)
                .onErrorResume(e -> {
                    log.warn("{} result entries not read (they stay pending): {}", jobIds.size(), e.toString());
                    return Mono.just(List.of());
                })
                .flatMapMany(lookups -> {
                    Map<Integer, List<Read>> byShard = new HashMap<>();
                    for (int i = 0; i < lookups.size(); i++) {
                        if (lookups.get(i) instanceof FinishedJobs.Lookup.Plan p) {
                            byShard.computeIfAbsent(DeliveryShards.of(p.plan().jobId()), k -> new ArrayList<>())
                                    .add(new Read(ids.get(i), p.plan()));
                        } else {
                            nothingToDo.add(ids.get(i));
                        }
                    }
                    return Flux.concat(Flux.fromIterable(nothingToDo),
                            Flux.fromIterable(byShard.entrySet()).flatMap(shard -> plan(shard.getKey(), shard.getValue(), reserved)));
                })
                .collectList()
                .flatMap(this::acknowledge);
    }

    /** A result entry and the plan of its job. */
    private record Read(StreamMessageId entry, DeliveryPlan plan) {
    }

    /**
     * Plans one shard's jobs in one call and starts their attempts; emits the entries handled. An entry whose job's
     * outcome a live stream carries (compat-protocol §1.7) is held: not acknowledged, so it is looked at again when
     * reclaimed, by which time the stream has either delivered the outcome or handed it back to the webhooks.
     */
    private Flux<StreamMessageId> plan(int shard, List<Read> reads, InFlightAttempts.Reservation reserved) {
        return deliveries.planAll(shard, reads.stream().map(Read::plan).toList(), properties.lease(), properties.activeRetention())
                .flatMapMany(planned -> {
                    List<StreamMessageId> handled = new ArrayList<>(reads.size());
                    for (int i = 0; i < reads.size(); i++) {
                        Planned p = planned.get(i);
                        if (!p.held()) {
                            dispatcher.runNow(p.attempts(), reserved);
                            handled.add(reads.get(i).entry());
                        }
                    }
                    return Flux.fromIterable(handled);
                })
                .onErrorResume(e -> {
                    log.warn("{} result entries not planned (they stay pending): {}", reads.size(), e.toString());
                    return Flux.empty();
                });
    }

    private Mono<Void> acknowledge(List<StreamMessageId> ids) {
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        StreamMessageId[] array = ids.toArray(StreamMessageId[]::new);
        return streams.resultsDone(StreamGroups.WEBHOOKS, array)
                .onErrorResume(e -> {
                    // Planned but not acknowledged: reclaimed later and found already planned, so nothing is sent twice.
                    log.warn("result entries not acknowledged: {}", e.toString());
                    return Mono.empty();
                });
    }

    @Override
    public void stop() {
        running = false;
        if (loop != null) {
            loop.dispose();
        }
        if (reclaim != null) {
            reclaim.dispose();
        }
    }

    /**
     * Stops polling but lets the read in progress finish and its entries be planned: cutting a blocked
     * XREADGROUP short would leave entries Redis already handed to this consumer pending until another replica
     * reclaims them.
     */
    @Override
    public void stop(Runnable callback) {
        running = false;
        if (reclaim != null) {
            reclaim.dispose();
        }
        stopped.asMono()
                .timeout(properties.pollTimeout().plusSeconds(5), Mono.fromRunnable(() -> {
                    if (loop != null) {
                        loop.dispose();
                    }
                }))
                .subscribe(null, e -> callback.run(), callback);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
