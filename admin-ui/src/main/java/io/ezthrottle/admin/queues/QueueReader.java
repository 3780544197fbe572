package io.ezthrottle.admin.queues;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.ezthrottle.admin.AdminProperties;
import io.ezthrottle.core.queue.QueueEntry;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.throttle.InFlightLimiter;
import org.redisson.api.stream.StreamMessageId;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads a {@link QueueSnapshot}. Totals are exact. The intake streams do not record where a job goes, so to split
 * them by destination and tenant the oldest {@code queues.sample} entries of each stream are read and looked up
 * (entries a worker holds or runs are the oldest, so they are always among them); overflow streams are per
 * destination already and are counted exactly.
 */
@Component
public class QueueReader {

    private final BacklogReader backlogs;
    private final JobStreams streams;
    private final RedisKeys keys;
    private final AttemptTargets targets;
    private final InFlightLimiter inFlight;
    private final DeadLetterBoard deadLetters;
    private final AdminProperties.Queues settings;
    private final java.time.Clock clock;

    public QueueReader(BacklogReader backlogs, JobStreams streams, RedisKeys keys, AttemptTargets targets,
                       InFlightLimiter inFlight, DeadLetterBoard deadLetters, AdminProperties properties,
                       java.time.Clock clock) {
        this.backlogs = backlogs;
        this.streams = streams;
        this.keys = keys;
        this.targets = targets;
        this.inFlight = inFlight;
        this.deadLetters = deadLetters;
        this.settings = properties.queues();
        this.clock = clock;
    }

    public Mono<QueueSnapshot> read() {
        return backlogs.read().flatMap(backlog -> {
            List<String> sampledStreams = new ArrayList<>();
            sampledStreams.add(keys.jobStream());
            backlog.regions().keySet().forEach(r -> sampledStreams.add(keys.regionStream(r)));
            boolean partial = backlog.intake() > settings.sample()
                    || backlog.regions().values().stream().anyMatch(n -> n > settings.sample());
            Mono<List<AttemptTargets.Target>> sample = Flux.fromIterable(sampledStreams)
                    .flatMap(s -> streams.stream(s).range(settings.sample(), StreamMessageId.MIN, StreamMessageId.MAX))
                    .flatMapIterable(Map::values)
                    .mapNotNull(QueueEntry::from)
                    .flatMap(targets::of, 32)
                    .collectList();
            return Mono.zip(sample, deadLetters.newest(settings.deadLetters()), deadLetters.count())
                    .flatMap(t -> assemble(backlog, t.getT1(), partial, t.getT2(), t.getT3()));
        });
    }

    private Mono<QueueSnapshot> assemble(Backlog backlog, List<AttemptTargets.Target> sample, boolean partial,
                                         List<io.ezthrottle.core.delivery.DeadLetter> letters, long letterCount) {
        Map<String, Long> queuedByDestination = new HashMap<>();
        Map<String, Long> queuedByTenant = new HashMap<>();
        sample.forEach(t -> {
            queuedByDestination.merge(t.destination(), 1L, Long::sum);
            queuedByTenant.merge(t.tenantId(), 1L, Long::sum);
        });
        Map<String, Long> overflowByDestination = new HashMap<>();
        List<QueueSnapshot.AccountQueue> accountQueues = new ArrayList<>();
        backlog.overflow().forEach((o, n) -> {
            overflowByDestination.merge(o.destination(), n, Long::sum);
            if (n > 0) {
                accountQueues.add(new QueueSnapshot.AccountQueue(o.destination(), o.account(), n));
            }
        });
        accountQueues.sort(Comparator.comparingLong(QueueSnapshot.AccountQueue::length).reversed());
        TreeSet<String> destinations = new TreeSet<>(queuedByDestination.keySet());
        destinations.addAll(overflowByDestination.keySet());
        destinations.remove("?");
        return Flux.fromIterable(destinations)
                .flatMap(d -> inFlight.count(d).map(n -> new QueueSnapshot.DomainBacklog(d,
                        queuedByDestination.getOrDefault(d, 0L), overflowByDestination.getOrDefault(d, 0L), n)), 16)
                .collectList()
                .map(domains -> {
                    List<QueueSnapshot.DomainBacklog> sorted = new ArrayList<>(domains);
                    sorted.sort(Comparator.comparingLong(QueueSnapshot.DomainBacklog::backlog).reversed()
                            .thenComparing(QueueSnapshot.DomainBacklog::destination));
                    List<QueueSnapshot.TenantBacklog> tenants = new ArrayList<>();
                    queuedByTenant.forEach((t, n) -> tenants.add(new QueueSnapshot.TenantBacklog(t, n)));
                    tenants.sort(Comparator.comparingLong(QueueSnapshot.TenantBacklog::queued).reversed()
                            .thenComparing(QueueSnapshot.TenantBacklog::tenantId));
                    long flying = sorted.stream().mapToLong(QueueSnapshot.DomainBacklog::inFlight).sum();
                    List<QueueSnapshot.DeadLetterRow> rows = letters.stream()
                            .map(l -> new QueueSnapshot.DeadLetterRow(l.tenantId(), l.id(), l.jobId(), l.url(), l.attempts(),
                                    l.failedAt(), l.lastStatus(), l.lastError()))
                            .toList();
                    return new QueueSnapshot(clock.millis(), backlog.total(), backlog.intake(), backlog.regions(),
                            backlog.delayed(), flying, sorted, tenants, accountQueues, sample.size(), partial,
                            letterCount, rows);
                });
    }
}
