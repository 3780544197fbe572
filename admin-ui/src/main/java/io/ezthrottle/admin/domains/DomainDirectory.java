package io.ezthrottle.admin.domains;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.ezthrottle.admin.queues.QueueReader;
import io.ezthrottle.admin.queues.QueueSnapshot;
import io.ezthrottle.core.config.CoreProperties;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.throttle.DomainLimitsStore;
import io.ezthrottle.core.throttle.InFlightLimiter;
import org.redisson.api.RedissonReactiveClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which destinations exist and how each is paced. There is no index of destinations in Redis (workers pace whatever
 * URLs jobs name), so they are gathered from what leaves traces: configured per-domain limits, limits hashes
 * (learned, overridden or paused), pacing buckets and in-flight sets (recent traffic), and the queue view's backlog.
 * The key scans are bounded ({@link #MAX_KEYS} per pattern) and run only when the page is opened.
 */
@Component
class DomainDirectory {

    static final int MAX_KEYS = 2_000;

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final DomainLimitsStore limits;
    private final InFlightLimiter inFlight;
    private final QueueReader queues;
    private final Set<String> configured;

    DomainDirectory(RedissonReactiveClient redis, RedisKeys keys, DomainLimitsStore limits, InFlightLimiter inFlight,
                    QueueReader queues, CoreProperties core) {
        this.redis = redis;
        this.keys = keys;
        this.limits = limits;
        this.inFlight = inFlight;
        this.queues = queues;
        this.configured = core.pacing().domains().keySet().stream().map(d -> d.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    Mono<List<DomainRow>> all() {
        return queues.read().flatMap(snapshot -> {
            Map<String, QueueSnapshot.DomainBacklog> backlog = snapshot.domains().stream()
                    .collect(Collectors.toMap(QueueSnapshot.DomainBacklog::destination, Function.identity()));
            return Flux.merge(scan(keys.domainLimits("*")), scan(keys.domainBucket("*")), scan(keys.inFlight("*")))
                    .collect(() -> new TreeSet<>(configured), Set::add)
                    .doOnNext(names -> names.addAll(backlog.keySet()))
                    .flatMapMany(Flux::fromIterable)
                    .flatMap(d -> row(d, backlog.get(d)), 16)
                    .sort(Comparator.comparingLong(DomainRow::backlog).reversed().thenComparing(DomainRow::destination))
                    .collectList();
        });
    }

    Mono<DomainRow> one(String destination) {
        return queues.read().flatMap(snapshot -> row(destination, snapshot.domains().stream()
                .filter(b -> b.destination().equals(destination)).findFirst().orElse(null)));
    }

    private Mono<DomainRow> row(String destination, QueueSnapshot.DomainBacklog backlog) {
        return Mono.zip(limits.read(destination), inFlight.count(destination), limits.last429(destination))
                .map(t -> new DomainRow(destination, t.getT1(), backlog == null ? 0 : backlog.backlog(), t.getT2(),
                        t.getT3()));
    }

    /** Destinations named by keys matching {@code keyWithStar} (the key of destination {@code *}). */
    private Flux<String> scan(String keyWithStar) {
        return redis.getKeys().getKeysByPattern(escapeGlob(keyWithStar), 500)
                .take(MAX_KEYS)
                .mapNotNull(DomainNames::fromKey)
                .filter(d -> !d.isEmpty());
    }

    /** Escapes glob characters of the key prefix, keeping the one {@code *} that stands for the destination. */
    static String escapeGlob(String keyWithStar) {
        int star = keyWithStar.indexOf("{*}");
        String before = keyWithStar.substring(0, star).replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
        String after = keyWithStar.substring(star + 3).replaceAll("([*?\\[\\]\\\\])", "\\\\$1");
        return before + "{*}" + after;
    }
}
