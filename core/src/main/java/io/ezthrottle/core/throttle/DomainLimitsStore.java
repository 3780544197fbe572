package io.ezthrottle.core.throttle;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * The limits of each destination in Redis ({@link RedisKeys#domainLimits}), shared by every replica.
 *
 * <p>Precedence: an operator override (console) beats what the upstream signalled through its response headers
 * (learned, forgotten after {@code learnedIdle} without a new signal), which beats the configured per-domain
 * defaults, which beat the global default. Fields: {@code ov_rps}/{@code ov_max} (override),
 * {@code rps}/{@code max}/{@code learned_at} (learned), {@code paused_until}, {@code account_queue},
 * {@code version}.
 */
public final class DomainLimitsStore {

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

    /** Holds the destination for everyone until {@code untilMillis} (a 429/503 with Retry-After), never shortening a pause. */
    public Mono<Void> pause(String destination, long untilMillis) {
        var map = redis.<String, String>getMap(keys.domainLimits(destination), StringCodec.INSTANCE);
        return map.get("paused_until").defaultIfEmpty("0")
                .flatMap(existing -> Long.parseLong(existing) >= untilMillis ? Mono.empty()
                        : map.fastPut("paused_until", Long.toString(untilMillis))
                                .then(map.expire(Duration.ofMillis(Math.max(learnedIdle.toMillis() * 2,
                                        untilMillis - clock.millis() + 60_000)))))
                .then();
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
