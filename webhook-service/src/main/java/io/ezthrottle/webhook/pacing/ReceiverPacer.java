package io.ezthrottle.webhook.pacing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.webhook.WebhookProperties;
import io.ezthrottle.core.redis.Coalescer;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;


/**
 * Paces deliveries per receiver domain across every replica with one token bucket per domain in Redis, so a
 * backlog of retries for one customer endpoint (say, after an outage) reaches it at a steady rate instead of all
 * at once. Each decision is one atomic script on Redis server time; the answer is a value (wait this long),
 * never an exception. A receiver's {@code Retry-After} pauses its whole domain.
 *
 * <p>Requests for the same domain that arrive while a decision is in flight are decided together by the next
 * script call (which takes as many tokens as are asked for and available): a hot domain costs one Redis call per
 * batch instead of one per delivery, and no token is ever taken that nobody asked for.
 *
 * <p>Failure policy: if Redis cannot answer, the attempt fails before sending and its lease returns it to the
 * schedule; we never send unpaced.
 */
@Component
public class ReceiverPacer {

    /**
     * KEYS[1] bucket; ARGV rate/s, burst, ttl ms, tokens wanted. Returns {granted, ms until the next token} (the
     * wait is 0 when everything was granted, or the pause left when the domain is paused).
     */
    private static final String TAKE = """
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'paused_until')
            local paused = tonumber(h[3]) or 0
            if paused > now then return {0, paused - now} end
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local want = tonumber(ARGV[4])
            local tokens = tonumber(h[1])
            local ts = tonumber(h[2])
            if tokens == nil or ts == nil then tokens = burst; ts = now end
            tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
            local granted = math.min(want, math.floor(tokens))
            tokens = tokens - granted
            local wait = 0
            if granted < want then wait = math.max(1, math.ceil((1 - tokens) * 1000 / rate)) end
            redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return {granted, wait}
            """;

    /** KEYS[1] bucket; ARGV pause ms, ttl ms. Pauses the domain until now + pause (never shortens a pause). */
    private static final String PAUSE = """
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
            local current = tonumber(redis.call('HGET', KEYS[1], 'paused_until')) or 0
            local target = now + tonumber(ARGV[1])
            if target > current then redis.call('HSET', KEYS[1], 'paused_until', target) end
            redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[2]), tonumber(ARGV[1]) + 1000))
            return 1
            """;

    /** Most requests decided by one script call. */
    private static final int MAX_BATCH = 256;

    /**
     * The async (future-based) client rather than the reactive one: one pacing call per batch of deliveries is on
     * every delivery's path, and the reactive wrapper allocates a buffered sink per command.
     */
    private final RedissonClient redis;
    private final RedisKeys keys;
    private final String rate;
    private final String burst;
    private final String ttl;
    private final long intervalMillis;
    private final Coalescer<String, Boolean, Duration> decisions = new Coalescer<>(MAX_BATCH, this::decide);

    public ReceiverPacer(RedissonClient redis, RedisKeys keys, WebhookProperties properties) {
        this.redis = redis;
        this.keys = keys;
        WebhookProperties.Receiver r = properties.receiver();
        this.rate = Double.toString(r.rps());
        this.burst = Integer.toString(r.burst());
        // Long enough that a refilling bucket is not forgotten (which would hand out a fresh burst), short enough
        // that idle domains cost no memory.
        this.ttl = Long.toString(Math.max(60_000L, (long) Math.ceil(r.burst() / r.rps() * 1000) * 2));
        this.intervalMillis = Math.max(1, (long) Math.ceil(1000 / r.rps()));
    }

    /**
     * Takes one delivery slot for the domain: {@link Duration#ZERO} when granted, otherwise how long to wait
     * (requests refused together are told successive token times, so they do not all come back at once).
     */
    public Mono<Duration> take(String domain) {
        return decisions.submit(domain, Boolean.TRUE);
    }

    /** One script call for {@code requests.size()} tokens: the first {@code granted} go, the rest are told when. */
    private Mono<List<Duration>> decide(String domain, List<Boolean> requests) {
        return Mono.fromCompletionStage(() -> redis.getScript(StringCodec.INSTANCE)
                        .<List<Object>>evalAsync(RScript.Mode.READ_WRITE, TAKE, RScript.ReturnType.LIST,
                                List.of(keys.receiverPace(domain)), rate, burst, ttl, Integer.toString(requests.size())))
                .map(out -> {
                    int granted = Integer.parseInt(out.get(0).toString());
                    long wait = Long.parseLong(out.get(1).toString());
                    List<Duration> answers = new ArrayList<>(requests.size());
                    for (int i = 0; i < requests.size(); i++) {
                        answers.add(i < granted ? Duration.ZERO : Duration.ofMillis(wait + (i - granted) * intervalMillis));
                    }
                    return answers;
                });
    }

    /** Holds every delivery to the domain back for {@code pause} (its {@code Retry-After}). */
    public Mono<Void> pause(String domain, Duration pause) {
        return Mono.fromCompletionStage(() -> redis.getScript(StringCodec.INSTANCE)
                        .<Long>evalAsync(RScript.Mode.READ_WRITE, PAUSE, RScript.ReturnType.LONG,
                                List.of(keys.receiverPace(domain)), Long.toString(pause.toMillis()), ttl))
                .then();
    }
}
