package io.ezthrottle.core.redis;

import java.time.Duration;
import java.util.Map;

import org.redisson.api.BatchOptions;
import org.redisson.api.RBatchReactive;
import org.redisson.api.RStreamReactive;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.api.stream.StreamAddArgs;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * The two streams jobs travel on: intake (api → workers) and results (workers → webhook dispatchers). Consumers
 * read through consumer groups; an entry is acknowledged and deleted only after its effect is durable, so an
 * entry of a crashed consumer stays pending and can be claimed by another.
 */
public final class JobStreams {

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;

    public JobStreams(RedissonReactiveClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The any-region job stream (region streams are reached through {@link #stream(String)}). */
    public RStreamReactive<String, String> intake() {
        return stream(keys.jobStream());
    }

    public RStreamReactive<String, String> stream(String key) {
        return redis.getStream(key, StringCodec.INSTANCE);
    }

    public RStreamReactive<String, String> results() {
        return redis.getStream(keys.resultStream(), StringCodec.INSTANCE);
    }

    public Mono<StreamMessageId> publishResult(String jobId) {
        return results().add(StreamAddArgs.entry(StreamGroups.JOB_ID, jobId));
    }

    /** Creates the group (and the stream) unless it exists. */
    public Mono<Void> ensureGroup(RStreamReactive<String, String> stream, String group) {
        return stream.createGroup(StreamCreateGroupArgs.name(group).id(StreamMessageId.ALL).makeStream())
                .onErrorResume(e -> String.valueOf(e.getMessage()).contains("BUSYGROUP") ? Mono.empty() : Mono.error(e));
    }

    /** New entries for this consumer; empty map when none arrived within {@code block}. */
    public Mono<Map<StreamMessageId, Map<String, String>>> read(RStreamReactive<String, String> stream, String group,
                                                               String consumer, int count, Duration block) {
        return stream.readGroup(group, consumer, StreamReadGroupArgs.neverDelivered().count(count).timeout(block))
                .defaultIfEmpty(Map.of());
    }

    /**
     * Acknowledges and deletes entries of the results stream in one round trip (a pipelined XACK and XDEL): their
     * work is done and durable elsewhere. A crash between the two leaves entries acknowledged but not deleted, which
     * no consumer reads again (they only trim the stream later).
     */
    public Mono<Void> resultsDone(String group, StreamMessageId... ids) {
        RBatchReactive batch = redis.createBatch(BatchOptions.defaults());
        RStreamReactive<String, String> stream = batch.getStream(keys.resultStream(), StringCodec.INSTANCE);
        stream.ack(group, ids).subscribe();
        stream.remove(ids).subscribe();
        return batch.execute().then();
    }

    /** Acknowledges and deletes an entry: its work is done and durable elsewhere. */
    public Mono<Void> done(RStreamReactive<String, String> stream, String group, StreamMessageId id) {
        return stream.ack(group, id).then(stream.remove(id)).then();
    }
}
