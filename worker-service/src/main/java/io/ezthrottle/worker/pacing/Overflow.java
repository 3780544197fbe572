package io.ezthrottle.worker.pacing;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.worker.intake.PendingJob;
import io.ezthrottle.worker.region.WorkerIdentity;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Where a destination's backlog waits when its lane is full: one Redis stream per destination and account queue,
 * read through the workers' consumer group like the main streams. Keeping the backlog in Redis rather than in
 * memory is what lets a worker keep reading the main stream, so other destinations' jobs are never stuck behind a
 * 100,000-job backlog.
 */
@Component
public class Overflow {

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final JobStreams streams;
    private final WorkerIdentity identity;
    private final Set<String> grouped = ConcurrentHashMap.newKeySet();

    public Overflow(RedissonReactiveClient redis, RedisKeys keys, JobStreams streams, WorkerIdentity identity) {
        this.redis = redis;
        this.keys = keys;
        this.streams = streams;
        this.identity = identity;
    }

    public String key(String destination, String account) {
        return keys.overflow(destination, account);
    }

    /** Moves a held entry to its overflow stream, then acknowledges the original (a crash between duplicates, never loses). */
    public Mono<Void> park(PendingJob job) {
        String key = key(job.destination(), job.account());
        return ensureGroup(key)
                .then(redis.<String, String>getStream(key, StringCodec.INSTANCE).add(StreamAddArgs.entries(job.entry().fields())))
                .then(redis.<String>getSet(keys.overflowIndex(), StringCodec.INSTANCE).add(key))
                .then(streams.done(streams.stream(job.stream()), StreamGroups.WORKERS, job.entryId()));
    }

    /** Up to {@code count} entries of an overflow stream for this worker. */
    public Mono<Map<StreamMessageId, Map<String, String>>> pull(String key, int count) {
        return ensureGroup(key).then(redis.<String, String>getStream(key, StringCodec.INSTANCE)
                        .readGroup(StreamGroups.WORKERS, identity.consumer(), StreamReadGroupArgs.neverDelivered().count(count)))
                .defaultIfEmpty(Map.of());
    }

    public Mono<List<String>> indexed() {
        return redis.<String>getSet(keys.overflowIndex(), StringCodec.INSTANCE).readAll().map(List::copyOf);
    }

    public Mono<Long> length(String key) {
        return redis.<String, String>getStream(key, StringCodec.INSTANCE).size();
    }

    /**
     * Drops an overflow stream from the index when it is empty. Checks the length again after removing, so a
     * concurrent park (which adds the entry before indexing it) is never left unindexed.
     */
    public Mono<Void> forgetIfEmpty(String key) {
        var index = redis.<String>getSet(keys.overflowIndex(), StringCodec.INSTANCE);
        return length(key).filter(n -> n == 0)
                .flatMap(n -> index.remove(key).then(length(key)))
                .flatMap(n -> n > 0 ? index.add(key).then() : Mono.<Void>empty())
                .then();
    }

    private Mono<Void> ensureGroup(String key) {
        if (grouped.contains(key)) {
            return Mono.empty();
        }
        return streams.ensureGroup(streams.stream(key), StreamGroups.WORKERS).doOnSuccess(v -> grouped.add(key));
    }

    /** Destination part of an overflow key, or null. */
    public String destinationOf(String key) {
        int open = key.indexOf('{');
        int close = key.indexOf('}', open);
        return open < 0 || close < 0 ? null : key.substring(open + 1, close);
    }
}
