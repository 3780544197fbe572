package io.ezthrottle.core.delivery;

import java.time.Duration;
import java.util.List;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Who tells the client a job's outcome while it follows the job's live stream (compat-protocol §1.7). Opening the
 * stream switches the job to <em>stream</em> mode: the webhook dispatcher then holds the result back. The stream
 * that writes the terminal event settles it as <em>streamed</em> (no webhook is sent). A stream that ends any other
 * way (the client went away, a write failed, the terminal write failed) switches the job to
 * <em>stream_fallback</em> and the webhooks go out as usual; if the dispatcher was already holding the result, the
 * caller must hand it back at once ({@link #abandon} says so).
 *
 * <p>State is one small hash per job next to its delivery hash, under the same delivery-shard hash tag, so the
 * dispatcher's planning script ({@link DeliveryScripts#PLAN}) decides atomically between "stream holds it" and
 * "plan the webhooks", whichever replica runs either side. Fields: {@code mode}, {@code open} (streams attached),
 * {@code held} (the dispatcher has held a result back). The hash lives only as long as an attached stream renews
 * it: a replica that dies with streams open cannot keep webhooks back longer than one lease (the held result entry
 * stays pending in the results stream and is planned when the dispatcher reclaims it).
 */
public final class StreamHandoff {

    /** KEYS delivery hash, mode hash; ARGV lease ms. Returns stream (this stream carries the outcome), webhook or streamed. */
    private static final String OPEN = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 'webhook' end
            local mode = redis.call('HGET', KEYS[2], 'mode')
            if mode == 'streamed' then return 'streamed' end
            redis.call('HSET', KEYS[2], 'mode', 'stream')
            redis.call('HINCRBY', KEYS[2], 'open', 1)
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            return 'stream'
            """;

    /** KEYS mode hash; ARGV lease ms. */
    private static final String RENEW = """
            if redis.call('HGET', KEYS[1], 'mode') == 'stream' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return 1
            """;

    /** KEYS mode hash; ARGV how long the settlement is remembered (ms). Returns 1 when this call settled it. */
    private static final String STREAMED = """
            if redis.call('HGET', KEYS[1], 'mode') ~= 'stream' then return 0 end
            redis.call('HSET', KEYS[1], 'mode', 'streamed')
            redis.call('HDEL', KEYS[1], 'held', 'open')
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """;

    /** KEYS mode hash. Returns 1 when the last stream left and the dispatcher was holding the result. */
    private static final String ABANDON = """
            if redis.call('HGET', KEYS[1], 'mode') ~= 'stream' then return 0 end
            if redis.call('HINCRBY', KEYS[1], 'open', -1) > 0 then return 0 end
            redis.call('HSET', KEYS[1], 'mode', 'stream_fallback')
            local held = redis.call('HGET', KEYS[1], 'held')
            redis.call('HDEL', KEYS[1], 'held', 'open')
            if held == '1' then return 1 end
            return 0
            """;

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;

    public StreamHandoff(RedissonReactiveClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The mode hash of a job (same hash tag as its delivery). */
    static String key(RedisKeys keys, String jobId) {
        return keys.delivery(DeliveryShards.of(jobId), jobId) + ":stream";
    }

    /**
     * Attaches a stream to the job. Emits true when the stream now carries the outcome (the webhook is held back
     * until it ends); false when the webhooks were already planned, or another stream already delivered the end,
     * in which case the stream only informs.
     */
    public Mono<Boolean> open(String jobId, Duration lease) {
        return this.<String>run(OPEN, RScript.ReturnType.STRING,
                        List.of(keys.delivery(DeliveryShards.of(jobId), jobId), key(keys, jobId)), ms(lease))
                .map("stream"::equals);
    }

    /** Keeps an attached stream's claim alive for another {@code lease}. */
    public Mono<Void> renew(String jobId, Duration lease) {
        return run(RENEW, RScript.ReturnType.LONG, List.of(key(keys, jobId)), ms(lease)).then();
    }

    /** The terminal event was written: the outcome is delivered, no webhook will be sent. Emits whether this call settled it. */
    public Mono<Boolean> streamed(String jobId, Duration remember) {
        return this.<Long>run(STREAMED, RScript.ReturnType.LONG, List.of(key(keys, jobId)), ms(remember))
                .map(r -> r == 1L);
    }

    /**
     * A stream ended without delivering the terminal event. When it was the last one attached, the webhooks take
     * over; emits true when the dispatcher had already held the result back, which the caller must then hand back
     * (publish the result again) so the webhook goes out at once.
     */
    public Mono<Boolean> abandon(String jobId) {
        return this.<Long>run(ABANDON, RScript.ReturnType.LONG, List.of(key(keys, jobId))).map(r -> r == 1L);
    }

    /** The current mode ({@code stream}, {@code streamed}, {@code stream_fallback}), empty when none: for observers and tests. */
    public Mono<String> mode(String jobId) {
        return redis.<String, String>getMap(key(keys, jobId), StringCodec.INSTANCE).get("mode");
    }

    private <R> Mono<R> run(String script, RScript.ReturnType type, List<Object> keyList, Object... args) {
        return redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, script, type, keyList, args);
    }

    private static String ms(Duration d) {
        return Long.toString(Math.max(1, d.toMillis()));
    }
}
