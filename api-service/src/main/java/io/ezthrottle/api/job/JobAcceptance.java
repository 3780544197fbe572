package io.ezthrottle.api.job;

import java.time.Duration;
import java.util.List;

import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The single atomic step that lets a new job in: one script claims the tenant's idempotency key for the job and
 * counts the job against the month's hard cap. Doing both at once is what makes the guarantees hold across
 * replicas: a duplicate never counts, the cap is never overshot, and a job refused (at the cap or by admission
 * control) never holds its key. Both keys carry the tenant's hash tag, so this works on Redis Cluster.
 */
@Component
class JobAcceptance {

    /** What the script decided. */
    enum Outcome { ACCEPTED, DUPLICATE, AT_CAP, SHED }

    /**
     * @param outcome the decision
     * @param owner   for {@code DUPLICATE}: the job that holds the key
     * @param used    for {@code ACCEPTED} and {@code AT_CAP}: the month's count afterwards
     */
    record Result(Outcome outcome, String owner, long used) {
    }

    /**
     * KEYS[1] idempotency key, KEYS[2] month counter. ARGV[1] job id, ARGV[2] key ttl ms, ARGV[3] cap,
     * ARGV[4] counter ttl ms, ARGV[5] '1' when admission control lets new work in, ARGV[6] id of a job whose record
     * has expired and whose key may be taken over ('' when none).
     */
    private static final String ACCEPT = """
            local owner = redis.call('GET', KEYS[1])
            if owner and owner ~= ARGV[6] then return {'duplicate', owner} end
            if ARGV[5] ~= '1' then return {'shed', ''} end
            local used = tonumber(redis.call('GET', KEYS[2]) or '0')
            if used >= tonumber(ARGV[3]) then return {'cap', tostring(used)} end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            used = redis.call('INCR', KEYS[2])
            if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
            return {'accepted', tostring(used)}
            """;

    private final RedissonReactiveClient redis;

    JobAcceptance(RedissonReactiveClient redis) {
        this.redis = redis;
    }

    Mono<Result> run(String idempotencyKey, String counterKey, String jobId, Duration keyTtl, long cap,
                     Duration counterTtl, boolean admitted, String staleOwner) {
        return redis.getScript(StringCodec.INSTANCE)
                .<List<Object>>eval(RScript.Mode.READ_WRITE, ACCEPT, RScript.ReturnType.LIST,
                        List.of(idempotencyKey, counterKey), jobId, Long.toString(keyTtl.toMillis()),
                        Long.toString(cap), Long.toString(counterTtl.toMillis()), admitted ? "1" : "0",
                        staleOwner == null ? "" : staleOwner)
                .map(JobAcceptance::result);
    }

    private static Result result(List<Object> reply) {
        String kind = String.valueOf(reply.get(0));
        String value = String.valueOf(reply.get(1));
        return switch (kind) {
            case "accepted" -> new Result(Outcome.ACCEPTED, null, Long.parseLong(value));
            case "duplicate" -> new Result(Outcome.DUPLICATE, value, 0);
            case "cap" -> new Result(Outcome.AT_CAP, null, Long.parseLong(value));
            case "shed" -> new Result(Outcome.SHED, null, 0);
            default -> throw new IllegalStateException("unexpected acceptance reply " + kind);
        };
    }
}
