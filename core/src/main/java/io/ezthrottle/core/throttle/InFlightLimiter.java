package io.ezthrottle.core.throttle;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Caps a destination's requests in flight across the cluster. Each request holds a leased token in a sorted set
 * scored by lease expiry; one script drops expired leases (a crashed worker's), checks the count and adds new
 * tokens, so the cap can never be exceeded by a race and never stays taken by a dead process.
 */
public final class InFlightLimiter {

    /** KEYS[1] set; ARGV: now, leaseExpiry, max, wanted, tokenPrefix. Returns the tokens granted. */
    private static final String ACQUIRE = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            local free = tonumber(ARGV[3]) - redis.call('ZCARD', KEYS[1])
            local n = math.min(free, tonumber(ARGV[4]))
            local granted = {}
            for i = 1, n do
              local t = ARGV[5] .. ':' .. i
              redis.call('ZADD', KEYS[1], ARGV[2], t)
              table.insert(granted, t)
            end
            if n > 0 then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) - tonumber(ARGV[1]) + 1000) end
            return granted
            """;

    private static final String RENEW = """
            for i = 3, #ARGV do redis.call('ZADD', KEYS[1], 'XX', ARGV[1], ARGV[i]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1
            """;

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final Clock clock;

    public InFlightLimiter(RedissonReactiveClient redis, RedisKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    /** Up to {@code wanted} tokens (possibly none) leased for {@code leaseMillis}. */
    public Mono<List<String>> acquire(String destination, int max, int wanted, long leaseMillis) {
        long now = clock.millis();
        return redis.getScript(StringCodec.INSTANCE)
                .<List<Object>>eval(RScript.Mode.READ_WRITE, ACQUIRE, RScript.ReturnType.LIST,
                        List.of(keys.inFlight(destination)), Long.toString(now), Long.toString(now + leaseMillis),
                        Integer.toString(max), Integer.toString(wanted), UUID.randomUUID().toString())
                .map(l -> l.stream().map(Object::toString).toList());
    }

    /** Extends the leases of tokens still in use (only those that still exist: an expired one stays expired). */
    public Mono<Void> renew(String destination, Collection<String> tokens, long leaseMillis) {
        if (tokens.isEmpty()) {
            return Mono.empty();
        }
        List<Object> args = new ArrayList<>();
        args.add(Long.toString(clock.millis() + leaseMillis));
        args.add(Long.toString(leaseMillis + 1000));
        args.addAll(tokens);
        return redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, RENEW, RScript.ReturnType.LONG,
                List.of(keys.inFlight(destination)), args.toArray()).then();
    }

    /** Gives tokens back (one ZREM for all of them). */
    public Mono<Void> release(String destination, Collection<String> tokens) {
        return redis.<String>getScoredSortedSet(keys.inFlight(destination), StringCodec.INSTANCE).removeAll(tokens).then();
    }

    public Mono<Integer> count(String destination) {
        return redis.<String>getScoredSortedSet(keys.inFlight(destination), StringCodec.INSTANCE).size();
    }
}
