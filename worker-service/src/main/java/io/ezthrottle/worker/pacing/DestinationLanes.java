package io.ezthrottle.worker.pacing;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import io.ezthrottle.core.throttle.DomainLimits;
import io.ezthrottle.core.throttle.DomainRateLimiter;
import io.ezthrottle.core.throttle.InFlightLimiter;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.intake.HeldJobs;
import io.ezthrottle.worker.intake.PendingJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One lane per destination. A lane dispatches its jobs one batch at a time: it takes in-flight tokens (the
 * destination's cluster-wide concurrency cap), then reserves dispatch slots in the destination's shared bucket,
 * then starts each job at its slot. Lanes of different destinations never wait on each other, and a lane never
 * holds more than {@code laneCapacity} jobs: the rest of a backlog waits in Redis ({@link Overflow}).
 *
 * <p>Inside a lane, jobs are kept per account queue and taken round-robin, so in account-queue mode one tenant's
 * flood does not starve another's requests to the same destination (outside that mode every job is in one queue).
 */
@Component
public class DestinationLanes {

    private static final Logger log = LoggerFactory.getLogger(DestinationLanes.class);
    private static final Duration IDLE_LANE = Duration.ofSeconds(60);
    /** Jobs of one account a full lane still takes (account-queue mode). */
    private static final int ACCOUNT_SHARE = 4;

    private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
    private final LimitsCache limits;
    private final DomainRateLimiter rateLimiter;
    private final InFlightLimiter inFlight;
    private final InFlightLeases leases;
    private final Overflow overflow;
    private final HeldJobs held;
    private final WorkerProperties properties;
    private final Clock clock;
    private volatile SlotDispatcher dispatcher;
    private volatile boolean open = true;

    public DestinationLanes(LimitsCache limits, DomainRateLimiter rateLimiter, InFlightLimiter inFlight,
                            InFlightLeases leases, Overflow overflow,
                            HeldJobs held, WorkerProperties properties, Clock clock, MeterRegistry meters) {
        this.limits = limits;
        this.rateLimiter = rateLimiter;
        this.inFlight = inFlight;
        this.leases = leases;
        this.overflow = overflow;
        this.held = held;
        this.properties = properties;
        this.clock = clock;
        Gauge.builder("ezthrottle.worker.lanes", lanes, Map::size).description("destinations with a lane").register(meters);
    }

    /** Who gets jobs ready and sends them once their slot has come (with the in-flight token each holds). */
    public void onDispatch(SlotDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Queues a held entry on its destination's lane, or parks it in Redis when the lane is full. */
    public void enqueue(PendingJob job) {
        while (true) {
            Lane lane = lanes.computeIfAbsent(job.destination(), Lane::new);
            Offer result = lane.offer(job);
            if (result == Offer.ACCEPTED) {
                return;
            }
            if (result == Offer.FULL) {
                lane.overflowKeys.add(overflow.key(job.destination(), job.account()));
                overflow.park(job)
                        .doOnError(e -> log.warn("parking failed job_id={} (entry stays pending): {}", job.entry().jobId(), e.toString()))
                        .onErrorResume(e -> Mono.empty())
                        .doFinally(s -> held.release(job))
                        .subscribe();
                return;
            }
            // CLOSED: the lane was retired between lookup and offer; take a fresh one.
            lanes.remove(job.destination(), lane);
        }
    }

    /** Tells the destination's lane that an overflow stream of it may hold entries. */
    public void noteOverflow(String destination, String overflowKey) {
        if (!open) {
            return;
        }
        Lane lane = lanes.computeIfAbsent(destination, Lane::new);
        lane.overflowKeys.add(overflowKey);
        lane.maybePull();
    }

    public int laneCount() {
        return lanes.size();
    }

    /** Jobs waiting in lanes (not yet dispatched). */
    public int waiting() {
        return lanes.values().stream().mapToInt(Lane::size).sum();
    }

    /** Stops starting new dispatches (graceful shutdown); waiting entries stay pending for other workers. */
    public void close() {
        open = false;
    }

    /** Retires lanes that have been empty for a while, so thousands of one-off destinations cost nothing. */
    public void retireIdle() {
        long now = System.nanoTime();
        lanes.forEach((destination, lane) -> {
            if (lane.retireIfIdle(now)) {
                lanes.remove(destination, lane);
            }
        });
    }

    private enum Offer { ACCEPTED, FULL, CLOSED }

    /** A job got ready to be sent, with the in-flight token it holds. */
    private record Ready(PendingJob job, String token) {
    }

    private final class Lane {
        private final String destination;
        private final LinkedHashMap<String, ArrayDeque<PendingJob>> queues = new LinkedHashMap<>();
        private final ArrayDeque<String> turn = new ArrayDeque<>();
        private final Set<String> overflowKeys = ConcurrentHashMap.newKeySet();
        private int size;
        private boolean pumping;
        private boolean pulling;
        private boolean closed;
        private long lastActive = System.nanoTime();
        private long lastStart = Long.MIN_VALUE / 2;

        Lane(String destination) {
            this.destination = destination;
        }

        synchronized Offer offer(PendingJob job) {
            if (closed) {
                return Offer.CLOSED;
            }
            if (size >= properties.laneCapacity()) {
                // A full lane still takes a few jobs of an account that has fewer queued here, so in account-queue
                // mode one account's flood cannot keep another account's jobs parked behind it.
                ArrayDeque<PendingJob> own = queues.get(job.account());
                if ("shared".equals(job.account()) || (own != null && own.size() >= ACCOUNT_SHARE)) {
                    return Offer.FULL;
                }
            }
            queues.computeIfAbsent(job.account(), a -> {
                turn.add(a);
                return new ArrayDeque<>();
            }).add(job);
            size++;
            lastActive = System.nanoTime();
            if (!pumping) {
                pumping = true;
                pump();
            }
            return Offer.ACCEPTED;
        }

        synchronized int size() {
            return size;
        }

        synchronized List<PendingJob> take(int n) {
            List<PendingJob> out = new ArrayList<>(n);
            while (out.size() < n && !turn.isEmpty()) {
                String account = turn.poll();
                ArrayDeque<PendingJob> q = queues.get(account);
                out.add(q.poll());
                size--;
                if (q.isEmpty()) {
                    queues.remove(account);
                } else {
                    turn.add(account);
                }
            }
            lastActive = System.nanoTime();
            return out;
        }

        /** Ends the pump when nothing is left; emits whether the pump should go on. */
        synchronized boolean keepPumping() {
            if (size == 0 || !open) {
                pumping = false;
                return false;
            }
            return true;
        }

        synchronized boolean retireIfIdle(long now) {
            if (size == 0 && !pumping && !pulling && overflowKeys.isEmpty() && now - lastActive > IDLE_LANE.toNanos()) {
                closed = true;
                return true;
            }
            return false;
        }

        private void pump() {
            Mono.defer(this::pumpOnce)
                    .onErrorResume(e -> {
                        log.warn("pacing error destination={}: {}", destination, e.toString());
                        return Mono.delay(Duration.ofMillis(500)).then();
                    })
                    .repeat(this::keepPumping)
                    .subscribe();
        }

        /**
         * One round: in-flight tokens first (the cluster-wide concurrency cap), then as many jobs got ready as tokens
         * were granted, then their dispatch slots. Reserving the slots last keeps the reservation as close as possible
         * to the calls it spaces.
         */
        private Mono<Void> pumpOnce() {
            maybePull();
            return limits.get(destination).flatMap(l -> {
                long now = clock.millis();
                if (l.pausedUntil() > now) {
                    return Mono.delay(Duration.ofMillis(Math.min(1000, l.pausedUntil() - now))).then();
                }
                int wanted = Math.min(size(), l.batch());
                if (wanted == 0) {
                    return Mono.empty();
                }
                return inFlight.acquire(destination, l.maxConcurrent(), wanted, leases.leaseMillis())
                        .doOnNext(tokens -> leases.hold(destination, tokens))
                        .flatMap(tokens -> tokens.isEmpty()
                                ? Mono.delay(Duration.ofMillis(25)).then()
                                : prepare(tokens).flatMap(this::reserve));
            });
        }

        /** Takes a job per token and gets them ready; tokens left without a ready job are given back. */
        private Mono<List<Ready>> prepare(List<String> tokens) {
            List<PendingJob> jobs = take(tokens.size());
            for (int i = jobs.size(); i < tokens.size(); i++) {
                leases.release(destination, tokens.get(i)).subscribe();
            }
            return Flux.range(0, jobs.size())
                    .flatMapSequential(i -> dispatcher.prepare(jobs.get(i)).flatMap(ok -> {
                        if (ok) {
                            return Mono.just(new Ready(jobs.get(i), tokens.get(i)));
                        }
                        return leases.release(destination, tokens.get(i)).onErrorResume(e -> Mono.empty())
                                .then(Mono.<Ready>empty());
                    }))
                    .collectList();
        }

        /**
         * Reserves slots for ready jobs and starts each at its own. Ready jobs are already claimed, so they are sent
         * even when the lane is closing; while the destination is paused, or its slots are booked further ahead than
         * {@code maxPermitWait}, they wait here. Reservations never exceed the current batch size (the pace may have
         * dropped since the jobs were taken).
         */
        private Mono<Void> reserve(List<Ready> ready) {
            if (ready.isEmpty()) {
                return Mono.empty();
            }
            return limits.get(destination).flatMap(l -> {
                long now = clock.millis();
                if (l.pausedUntil() > now) {
                    return Mono.delay(Duration.ofMillis(Math.min(1000, l.pausedUntil() - now)))
                            .then(Mono.defer(() -> reserve(ready)));
                }
                int n = Math.min(ready.size(), l.batch());
                return rateLimiter.acquire(destination, l, properties.maxPermitWait()).flatMap(ok -> {
                    if (!ok) {
                        return Mono.delay(properties.maxPermitWait().dividedBy(4)).then(Mono.defer(() -> reserve(ready)));
                    }
                    dispatch(l, ready.subList(0, n));
                    return reserve(ready.subList(n, ready.size()));
                });
            }).onErrorResume(e -> {
                // Ready jobs are claimed by this worker: keep trying (Redis is back within a heartbeat or this
                // worker dies and its entries are reclaimed), never drop them.
                log.warn("slot reservation failed destination={} ready={}: {}", destination, ready.size(), e.toString());
                return Mono.delay(Duration.ofMillis(500)).then(Mono.defer(() -> reserve(ready)));
            });
        }

        private void dispatch(DomainLimits l, List<Ready> ready) {
            long interval = l.intervalNanos();
            long jitterCap = Math.min(properties.jitterMax().toNanos(), interval / 20);
            for (int i = 0; i < ready.size(); i++) {
                Ready r = ready.get(i);
                long delay = i * interval + (jitterCap > 0 ? ThreadLocalRandom.current().nextLong(jitterCap) : 0);
                if (delay == 0) {
                    fire(r, interval);
                } else {
                    Mono.delay(Duration.ofNanos(delay)).subscribe(x -> fire(r, interval));
                }
            }
            maybePull();
        }

        /**
         * Starts a job whose slot has come, but never sooner than 95 % of an interval after this lane's previous
         * start: when the JVM stalls, several slot timers fire at once, and without this they would reach the
         * upstream together although their slots were spaced correctly.
         */
        private void fire(Ready r, long interval) {
            DomainLimits known = limits.peek(destination);
            if (known != null && known.pausedUntil() > clock.millis()) {
                // Paused (a 429, an outage) after this slot was booked: book a new slot after the pause instead of
                // waiting for it, so the calls it held up do not all reach the upstream together when it ends.
                reserve(List.of(r)).subscribe();
                return;
            }
            long now = System.nanoTime();
            long wait;
            synchronized (this) {
                long earliest = lastStart + interval * 95 / 100;
                wait = Math.max(0, earliest - now);
                lastStart = now + wait;
            }
            if (wait == 0) {
                dispatcher.send(r.job(), r.token());
            } else {
                Mono.delay(Duration.ofNanos(wait)).subscribe(x -> dispatcher.send(r.job(), r.token()));
            }
        }

        /** Refills the lane from Redis when it is running low and a backlog is parked there. */
        void maybePull() {
            synchronized (this) {
                if (pulling || closed || !open || overflowKeys.isEmpty() || size > properties.laneCapacity() / 2) {
                    return;
                }
                pulling = true;
            }
            int room = Math.max(1, properties.laneCapacity() - size());
            List<String> keys = List.copyOf(overflowKeys);
            // Every account queue's backlog gets its share of the room, not whichever key comes first.
            int share = Math.max(1, room / Math.max(1, keys.size()));
            Flux.fromIterable(keys)
                    .concatMap(key -> overflow.pull(key, share).flatMap(entries -> {
                        if (entries.isEmpty()) {
                            overflowKeys.remove(key);
                            return overflow.forgetIfEmpty(key);
                        }
                        entries.forEach((id, fields) -> pulled.accept(new PulledEntry(key, id, fields)));
                        return Mono.empty();
                    }))
                    .onErrorResume(e -> {
                        log.warn("overflow pull failed destination={}: {}", destination, e.toString());
                        return Mono.empty();
                    })
                    .doFinally(s -> {
                        synchronized (this) {
                            pulling = false;
                        }
                    })
                    .subscribe();
        }
    }

    /** An entry read back from an overflow stream. */
    public record PulledEntry(String stream, org.redisson.api.stream.StreamMessageId id, Map<String, String> fields) {
    }

    private volatile java.util.function.Consumer<PulledEntry> pulled = e -> { };

    /** Who turns entries pulled from overflow into held jobs (the intake). */
    public void onPulled(java.util.function.Consumer<PulledEntry> consumer) {
        this.pulled = consumer;
    }
}
