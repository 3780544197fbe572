package io.ezthrottle.admin.queues;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import io.ezthrottle.core.delivery.DeadLetter;
import io.ezthrottle.core.delivery.DeadLetterStore;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.delivery.DeliveryStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Dead letters across tenants for the operator (each tenant's letters live in a stream of its own), and replay: the
 * same two steps the API's {@code POST /api/v1/dead-letters/{id}/replay} takes, so a replay from the console and one
 * from the tenant behave alike.
 */
@Component
public class DeadLetterBoard {

    /**
     * Lifetime of a replayed delivery until its first attempt (the API uses the same); from then on the dispatcher
     * keeps it alive for its own retry horizon.
     */
    static final Duration REPLAY_TTL = Duration.ofHours(48);

    private static final Comparator<DeadLetter> NEWEST_FIRST =
            Comparator.comparing((DeadLetter l) -> idPart(l.id(), 0)).thenComparing(l -> idPart(l.id(), 1)).reversed();

    private final DeadLetterStore letters;
    private final DeliveryStore deliveries;

    public DeadLetterBoard(DeadLetterStore letters, DeliveryStore deliveries) {
        this.letters = letters;
        this.deliveries = deliveries;
    }

    /** The newest {@code limit} letters of all tenants. */
    public Mono<List<DeadLetter>> newest(int limit) {
        return letters.tenants().flatMapMany(Flux::fromIterable)
                .flatMap(t -> letters.list(t, limit, null), 8)
                .flatMapIterable(l -> l)
                .sort(NEWEST_FIRST)
                .take(limit)
                .collectList();
    }

    /** Letters of all tenants. */
    public Mono<Long> count() {
        return letters.tenants().flatMapMany(Flux::fromIterable)
                .flatMap(letters::count, 8)
                .reduce(0L, Long::sum);
    }

    /** Schedules the webhook again, due now, and removes the letter; empty when there is no such letter. */
    public Mono<DeliveryStatus> replay(String tenantId, String id) {
        return letters.find(tenantId, id)
                .flatMap(letter -> deliveries.replay(letter, REPLAY_TTL)
                        .flatMap(status -> letters.remove(tenantId, id).thenReturn(status)));
    }

    /** Drops a letter without delivering it; emits whether it existed. */
    public Mono<Boolean> discard(String tenantId, String id) {
        return letters.remove(tenantId, id);
    }

    private static long idPart(String id, int part) {
        String[] p = id.split("-");
        return part < p.length ? Long.parseLong(p[part]) : 0;
    }
}
