package io.ezthrottle.core.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.redisson.api.RScript;
import org.redisson.api.RStreamReactive;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.api.stream.StreamCreateGroupArgs;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.api.stream.StreamReadGroupArgs;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * The two streams jobs travel on: intake (api → workers) and results (workers → webhook dispatchers). Consumers
 * read through consumer groups; an entry is acknowledged and deleted only after its effect is durable, so an
 * entry of a crashed consumer stays pending and can be claimed by another.
 *
 * <p>Appending results and acknowledging entries happen once per job, so concurrent calls are batched
 * ({@link Coalescer}): one script call serves every request that arrived while the previous one was in flight.
 */
public final class JobStreams {

    /** KEYS[1] stream; ARGV: group, ids. XACK then XDEL in one round trip (Redis 6.2 has no XACKDEL). */
    private static final String ACK_DELETE = """
            redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
            return redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
            """;

    /**
     * KEYS[1] stream; ARGV[1] how many fields an entry has (n), ARGV[2..n+1] their names, then n values per entry.
     * Returns the id of each entry, in order.
     */
    private static final String APPEND = """
            local n = tonumber(ARGV[1])
            local ids, entry = {}, {}
            for i = n + 2, #ARGV, n do
              for f = 1, n do
                entry[2 * f - 1] = ARGV[1 + f]
                entry[2 * f] = ARGV[i + f - 1]
              end
              ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', unpack(entry))
            end
            return ids
            """;

    /** Bounded so one script call never holds Redis for long (Lua's unpack also caps the arguments it takes). */
    private static final int MAX_BATCH = 256;

    private record Consumed(String stream, String group) {
    }

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final Coalescer<Consumed, StreamMessageId, Boolean> acknowledgements = new Coalescer<>(MAX_BATCH, this::ackDelete);
    private final Coalescer<String, String, StreamMessageId> results = new Coalescer<>(MAX_BATCH,
            (stream, jobIds) -> append(stream, List.of(StreamGroups.JOB_ID), jobIds.stream().map(List::of).toList()));

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

    /** Appends the job to the results stream (the webhook service's intake); emits the entry id. */
    public Mono<StreamMessageId> publishResult(String jobId) {
        return results.submit(keys.resultStream(), jobId);
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
     * Acknowledges and deletes entries of the results stream in one round trip: their work is done and durable
     * elsewhere. (A script runs whole, so no entry is ever acknowledged but left in the stream.)
     */
    public Mono<Void> resultsDone(String group, StreamMessageId... ids) {
        return ackDelete(new Consumed(keys.resultStream(), group), List.of(ids)).then();
    }

    /** Acknowledges and deletes an entry: its work is done and durable elsewhere. */
    public Mono<Void> done(RStreamReactive<String, String> stream, String group, StreamMessageId id) {
        return acknowledgements.submit(new Consumed(stream.getName(), group), id).then();
    }

    private Mono<List<Boolean>> ackDelete(Consumed consumed, List<StreamMessageId> ids) {
        List<Object> args = new ArrayList<>(ids.size() + 1);
        args.add(consumed.group());
        ids.forEach(id -> args.add(id.toString()));
        return redis.getScript(StringCodec.INSTANCE)
                .<Long>eval(RScript.Mode.READ_WRITE, ACK_DELETE, RScript.ReturnType.LONG, List.of(consumed.stream()),
                        args.toArray())
                .thenReturn(Collections.nCopies(ids.size(), Boolean.TRUE));
    }

    /**
     * Appends entries with the same fields to a stream in one script call (callers batch with a {@link Coalescer});
     * {@code rows} holds each entry's values in the order of {@code fields}. Emits the entry ids in order.
     */
    public Mono<List<StreamMessageId>> append(String stream, List<String> fields, List<List<String>> rows) {
        List<Object> args = new ArrayList<>(1 + fields.size() * (1 + rows.size()));
        args.add(Integer.toString(fields.size()));
        args.addAll(fields);
        rows.forEach(args::addAll);
        return redis.getScript(StringCodec.INSTANCE)
                .<List<Object>>eval(RScript.Mode.READ_WRITE, APPEND, RScript.ReturnType.LIST, List.of(stream),
                        args.toArray())
                .map(ids -> ids.stream().map(id -> parse(id.toString())).toList());
    }

    private static StreamMessageId parse(String id) {
        int dash = id.indexOf('-');
        return new StreamMessageId(Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
    }
}
