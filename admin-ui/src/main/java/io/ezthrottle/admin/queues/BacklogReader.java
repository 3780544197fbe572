package io.ezthrottle.admin.queues;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import io.ezthrottle.core.queue.JobQueue;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the {@link Backlog}: the lengths of the intake stream, of every region stream (regions named by the worker
 * heartbeats, expired ones included, since a region without a live worker may still have a backlog), of every
 * indexed overflow stream, and the size of the delayed set.
 */
@Component
public class BacklogReader {

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final JobStreams streams;
    private final JobQueue queue;

    public BacklogReader(RedissonReactiveClient redis, RedisKeys keys, JobStreams streams, JobQueue queue) {
        this.redis = redis;
        this.keys = keys;
        this.streams = streams;
        this.queue = queue;
    }

    public Mono<Backlog> read() {
        Mono<Map<String, Long>> regions = regions().flatMapMany(Flux::fromIterable)
                .flatMap(r -> streams.stream(keys.regionStream(r)).size().map(n -> Map.entry(r, n)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new);
        Mono<Map<OverflowStream, Long>> overflow = redis.<String>getSet(keys.overflowIndex(), StringCodec.INSTANCE).readAll()
                .flatMapMany(Flux::fromIterable)
                .mapNotNull(OverflowStream::parse)
                .flatMap(o -> streams.stream(o.key()).size().map(n -> Map.entry(o, n)), 16)
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new);
        return Mono.zip(streams.intake().size(), regions, overflow, queue.delayedCount())
                .map(t -> new Backlog(t.getT1(), t.getT2(), t.getT3(), t.getT4()));
    }

    /** Region names from the heartbeat set ({@code region|consumer} members). */
    Mono<List<String>> regions() {
        return redis.<String>getScoredSortedSet(keys.workers(), StringCodec.INSTANCE).readAll()
                .map(members -> {
                    TreeSet<String> names = new TreeSet<>();
                    members.forEach(m -> {
                        int bar = m.indexOf('|');
                        if (bar > 0) {
                            names.add(m.substring(0, bar));
                        }
                    });
                    return List.copyOf(names);
                });
    }
}
