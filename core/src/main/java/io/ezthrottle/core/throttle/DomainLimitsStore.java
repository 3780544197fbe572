package io.ezthrottle.core.throttle;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RScript;
import org.redisson.api.RTopicReactive;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The limits of each destination in Redis ({@link RedisKeys#domainLimits}), shared by every replica.
 *
 * <p>Precedence: an operator override (console) beats what the upstream signalled through its response headers
 * (learned, forgotten after {@code learnedIdle} without a new signal), which beats the configured per-domain
 * defaults, which beat the global default. Fields: {@code ov_rps}/{@code ov_max} (override),
 * {@code rps}/{@code max}/{@code learned_at} (learned), {@code paused_until}, {@code account_queue},
 * {@code version}; the failure backoff ({@link #slowDown}): {@code fail_streak}, {@code backoff_until}; for
 * operators: {@code last_429_at}, {@code last_429_retry_after_ms}.
 */
public final class DomainLimitsStore {

    /**
     * One failed answer (5xx, 429, no answer at all). With a Retry-After the pause is exactly that (never shortening
     * one in force). Without, the streak grows and the pause doubles per step with equal jitter, up to the cap; but a
     * failure that arrives while a pause is already in force only tells what was sent before the pause was known, so
     * it neither grows the streak nor moves the pause (otherwise one burst of in-flight failures would jump straight
     * to the cap). A hash without expiry (operator override) is left without one.
     * ARGV: now, retry-after ms or -1, base ms, cap ms, jitter in [0,1), 1 if a 429, minimum ttl ms.
     * Returns the pause end when this call moved it, else 0.
     */
    private static final String SLOW_DOWN = """
            local key = KEYS[1]
            local now = tonumber(ARGV[1])
            local retryAfter = tonumber(ARGV[2])
            local ttl = redis.call('PTTL', key)
            if ARGV[6] == '1' then
              redis.call('HSET', key, 'last_429_at', ARGV[1], 'last_429_retry_after_ms',
                string.format('%.0f', math.max(retryAfter, 0)))
            end
            local paused = tonumber(redis.call('HGET', key, 'paused_until') or '0') or 0
            local target = paused
            if retryAfter >= 0 then
              target = math.max(paused, now + retryAfter)
            elseif paused <= now then
              local streak = redis.call('HINCRBY', key, 'fail_streak', 1)
              local pause = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ math.min(streak - 1, 40))
              target = now + math.floor(pause / 2 + pause / 2 * tonumber(ARGV[5]))
              redis.call('HSET', key, 'backoff_until', string.format('%.0f', target))
            end
            local keep = math.max(tonumber(ARGV[7]), target - now + 60000)
            if ttl == -2 or (ttl >= 0 and ttl < keep) then
              redis.call('PEXPIRE', key, string.format('%.0f', keep))
            end
            if target > paused then
              redis.call('HSET', key, 'paused_until', string.format('%.0f', target))
              return target
            end
            return 0
            """;

    /**
     * A healthy answer: ends the streak and the backoff pause (not a Retry-After pause still in force: the upstream
     * asked for it), and drops a pause that is over so that callers stop seeing one. Returns 1 when anything changed.
     */
    private static final String RECOVER = """
            local key = KEYS[1]
            local f = redis.call('HMGET', key, 'fail_streak', 'backoff_until', 'paused_until')
            local removed = redis.call('HDEL', key, 'fail_streak', 'backoff_until')
            if f[3] and (tonumber(f[3]) <= tonumber(ARGV[1]) or f[3] == f[2]) then
              removed = removed + redis.call('HDEL', key, 'paused_until')
            end
            return removed > 0 and 1 or 0
            """;

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final PacingDefaults defaults;
    private final Map<String, DomainLimits> configured;
    private final Duration learnedIdle;
    private final Clock clock;

    public DomainLimitsStore(RedissonReactiveClient redis, RedisKeys keys, PacingDefaults defaults,
                             Map<String, DomainLimits> configured, Duration learnedIdle, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.defaults = defaults;
        this.configured = configured;
        this.learnedIdle = learnedIdle;
        this.clock = clock;
    }

    public Mono<DomainLimits> read(String destination) {
        return redis.<String, String>getMap(keys.domainLimits(destination), StringCodec.INSTANCE).readAllMap()
                .map(fields -> resolve(destination, fields));
    }

    DomainLimits resolve(String destination, Map<String, String> f) {
        DomainLimits base = configured.getOrDefault(destination, defaults.limits());
        double rps = base.rps();
        int max = base.maxConcurrent();
        String source = base.source();
        long now = clock.millis();
        long learnedAt = parseLong(f.get("learned_at"));
        if (learnedAt > 0 && now - learnedAt <= learnedIdle.toMillis()) {
            if (f.containsKey("rps")) {
                rps = Double.parseDouble(f.get("rps"));
                source = "learned";
            }
            if (f.containsKey("max")) {
                max = Integer.parseInt(f.get("max"));
                source = "learned";
            }
        }
        if (f.containsKey("ov_rps")) {
            rps = Double.parseDouble(f.get("ov_rps"));
            source = "override";
        }
        if (f.containsKey("ov_max")) {
            max = Integer.parseInt(f.get("ov_max"));
            source = "override";
        }
        rps = Math.max(defaults.floorRps(), rps);
        max = Math.max(1, max);
        if (f.containsKey("fail_streak")) {
            // A failing destination gets one probe at a time: when a pause ends, the replicas that wake together
            // would otherwise each send a batch into the outage before the first answer pauses them again.
            max = 1;
        }
        return new DomainLimits(rps, max, parseLong(f.get("version")), source, parseLong(f.get("paused_until")),
                "1".equals(f.get("account_queue")));
    }

    /**
     * Applies what an upstream response said (compat-protocol §6.1). Only writes when something changed, so a
     * steady upstream costs one read. The version is the change time, so every replica's bucket converges on it.
     */
    public Mono<Void> learn(String destination, PacingSignal signal, DomainLimits current) {
        if (signal.isEmpty()) {
            return Mono.empty();
        }
        Map<String, String> changes = new HashMap<>();
        long now = clock.millis();
        signal.rps().ifPresent(r -> {
            double floored = Math.max(defaults.floorRps(), r);
            if (floored != current.rps() || !"learned".equals(current.source())) {
                changes.put("rps", Double.toString(floored));
            }
        });
        signal.maxConcurrent().ifPresent(m -> {
            int clamped = Math.max(1, m);
            if (clamped != current.maxConcurrent() || !"learned".equals(current.source())) {
                changes.put("max", Integer.toString(clamped));
            }
        });
        signal.accountQueue().ifPresent(a -> {
            if (a != current.accountQueue()) {
                changes.put("account_queue", a ? "1" : "0");
            }
        });
        var map = redis.<String, String>getMap(keys.domainLimits(destination), StringCodec.INSTANCE);
        if (changes.isEmpty()) {
            // Keep learned values alive while the upstream keeps sending them.
            return signal.rps().isPresent() || signal.maxConcurrent().isPresent()
                    ? map.fastPut("learned_at", Long.toString(now)).then(map.expire(learnedIdle.multipliedBy(2))).then()
                    : Mono.empty();
        }
        changes.put("learned_at", Long.toString(now));
        changes.put("version", Long.toString(now));
        return map.putAll(changes).then(map.expire(learnedIdle.multipliedBy(2))).then();
    }

    /**
     * Slows the destination down for every replica after a failed answer (see {@link #SLOW_DOWN}): a pause of
     * {@code retryAfter} when the upstream gave one, else one growing with consecutive failures from {@code base},
     * doubling, with jitter, up to {@code max}; a 429 is also recorded for operators ({@link #last429}). Replicas
     * hear of a moved pause at once ({@link #changes}). Emits whether the pause moved.
     */
    public Mono<Boolean> slowDown(String destination, boolean tooManyRequests, Optional<Duration> retryAfter,
                                  Duration base, Duration max) {
        long now = clock.millis();
        return redis.getScript(StringCodec.INSTANCE)
                .<Long>eval(RScript.Mode.READ_WRITE, SLOW_DOWN, RScript.ReturnType.LONG,
                        List.of(keys.domainLimits(destination)), Long.toString(now),
                        Long.toString(retryAfter.map(Duration::toMillis).orElse(-1L)), Long.toString(base.toMillis()),
                        Long.toString(max.toMillis()), Double.toString(ThreadLocalRandom.current().nextDouble()),
                        tooManyRequests ? "1" : "0", Long.toString(learnedIdle.multipliedBy(2).toMillis()))
                .flatMap(until -> until > 0 ? announce(destination).thenReturn(true) : Mono.just(false));
    }

    /** After a healthy answer: the failure streak and its pause end for everyone. Emits whether anything changed. */
    public Mono<Boolean> recover(String destination) {
        return redis.getScript(StringCodec.INSTANCE)
                .<Long>eval(RScript.Mode.READ_WRITE, RECOVER, RScript.ReturnType.LONG,
                        List.of(keys.domainLimits(destination)), Long.toString(clock.millis()))
                .flatMap(changed -> changed == 1 ? announce(destination).thenReturn(true) : Mono.just(false));
    }

    /**
     * Destinations whose pause was just set or lifted, as replicas announce them. Caches that re-read limits only
     * every half second would otherwise keep sending into an outage for that long. Best effort (pub/sub): a missed
     * message costs at most one cache period.
     */
    public Flux<String> changes() {
        return topic().getMessages(String.class);
    }

    private Mono<Void> announce(String destination) {
        return topic().publish(destination).then().onErrorResume(e -> Mono.empty());
    }

    private RTopicReactive topic() {
        return redis.getTopic(keys.prefix() + ":limits-changed", StringCodec.INSTANCE);
    }

    /** The most recent 429 a worker got from the destination (both fields are written together, on every 429). */
    public Mono<Last429> last429(String destination) {
        return redis.<String, String>getMap(keys.domainLimits(destination), StringCodec.INSTANCE)
                .getAll(java.util.Set.of("last_429_at", "last_429_retry_after_ms"))
                .map(f -> new Last429(parseLong(f.get("last_429_at")), parseLong(f.get("last_429_retry_after_ms"))))
                .defaultIfEmpty(Last429.NEVER);
    }

    /**
     * @param at           epoch ms of the answer, 0 when none was recorded
     * @param retryAfterMs the Retry-After it carried in ms, 0 when it had none
     */
    public record Last429(long at, long retryAfterMs) {
        public static final Last429 NEVER = new Last429(0, 0);
    }

    /** Sets (or with nulls clears) an operator override; takes effect on every replica within a second. */
    public Mono<Void> override(String destination, Double rps, Integer maxConcurrent) {
        var map = redis.<String, String>getMap(keys.domainLimits(destination), StringCodec.INSTANCE);
        Mono<?> rpsOp = rps == null ? map.fastRemove("ov_rps") : map.fastPut("ov_rps", Double.toString(rps));
        Mono<?> maxOp = maxConcurrent == null ? map.fastRemove("ov_max") : map.fastPut("ov_max", Integer.toString(maxConcurrent));
        return rpsOp.then(maxOp).then(map.fastPut("version", Long.toString(clock.millis()))).then(map.clearExpire()).then();
    }

    /** Turns account-queue mode on or off for a destination (from a submission header). */
    public Mono<Void> accountQueue(String destination, boolean enabled) {
        var map = redis.<String, String>getMap(keys.domainLimits(destination), StringCodec.INSTANCE);
        return map.fastPut("account_queue", enabled ? "1" : "0").then();
    }

    private static long parseLong(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Lower-cases and trims a header value for the enabled/disabled switch. */
    static Optional<Boolean> toggle(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return v.equals("enabled") ? Optional.of(true) : v.equals("disabled") ? Optional.of(false) : Optional.empty();
    }
}
