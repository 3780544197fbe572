package io.ezthrottle.admin.secrets;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * When the old secret of a rotation stops being valid. After a rotation the console records the tenant with the
 * end of its grace period ({@code <prefix>:admin:secret-grace}, a sorted set scored by end time) and the encrypted
 * secondary as it was written ({@code <prefix>:admin:secret-grace:cipher}). When the period is over,
 * {@link SecretGraceSweep} removes the secondary, but only if it is still that same ciphertext: if the tenant
 * rotated again meanwhile (through the API or the console), the newer secondary is left alone. That check and the
 * removal are one script on the tenant's secrets hash, so they cannot interleave with another rotation.
 */
@Component
public class GracePeriods {

    /** KEYS[1] the tenant's secrets hash; ARGV[1] the secondary's ciphertext at rotation. Returns 1 when removed. */
    private static final String DROP_IF_UNCHANGED = """
            if redis.call('HGET', KEYS[1], 'secondary') == ARGV[1] then
              redis.call('HDEL', KEYS[1], 'secondary')
              return 1
            end
            return 0
            """;

    /** Grace records outlive the longest period by this much, so an index no console sweeps does not stay forever. */
    private static final Duration KEPT_AFTER_END = Duration.ofDays(7);

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final Clock clock;

    public GracePeriods(RedissonReactiveClient redis, RedisKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
    }

    /** Starts (or restarts) the tenant's grace period for the secondary now stored. */
    Mono<Void> start(String tenantId, Duration period) {
        long end = clock.millis() + period.toMillis();
        return redis.<String, String>getMap(keys.webhookSecrets(tenantId), StringCodec.INSTANCE).get("secondary")
                .flatMap(cipher -> ciphers().fastPut(tenantId, cipher)
                        .then(index().add(end, tenantId))
                        .then(index().expire(period.plus(KEPT_AFTER_END)))
                        .then(ciphers().expire(period.plus(KEPT_AFTER_END))))
                .then();
    }

    /** End of the tenant's grace period in epoch ms, or null when none is running. */
    Mono<Long> end(String tenantId) {
        return index().getScore(tenantId).map(Double::longValue);
    }

    /** Ends the grace period now: the secondary is removed (if it is still the rotated-out secret). */
    Mono<Boolean> endNow(String tenantId) {
        return ciphers().get(tenantId)
                .flatMap(cipher -> redis.getScript(StringCodec.INSTANCE)
                        .<Long>eval(RScript.Mode.READ_WRITE, DROP_IF_UNCHANGED, RScript.ReturnType.LONG,
                                List.of(keys.webhookSecrets(tenantId)), cipher)
                        .map(n -> n == 1))
                .defaultIfEmpty(false)
                .flatMap(removed -> forget(tenantId).thenReturn(removed));
    }

    /** Drops the record without touching the secrets (the secrets were deleted). */
    Mono<Void> forget(String tenantId) {
        return index().remove(tenantId).then(ciphers().fastRemove(tenantId)).then();
    }

    /** Tenants whose grace period is over. */
    Flux<String> ended() {
        return index().valueRange(Double.NEGATIVE_INFINITY, true, clock.millis(), true).flatMapIterable(c -> c);
    }

    /** Ends every grace period that is over; emits how many secondaries were removed. */
    Mono<Long> sweep() {
        return ended().concatMap(this::endNow).filter(Boolean::booleanValue).count();
    }

    private org.redisson.api.RScoredSortedSetReactive<String> index() {
        return redis.getScoredSortedSet(keys.prefix() + ":admin:secret-grace", StringCodec.INSTANCE);
    }

    private org.redisson.api.RMapReactive<String, String> ciphers() {
        return redis.getMap(keys.prefix() + ":admin:secret-grace:cipher", StringCodec.INSTANCE);
    }

}
