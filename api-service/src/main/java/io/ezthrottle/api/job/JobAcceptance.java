package io.ezthrottle.api.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.ezthrottle.core.redis.Coalescer;
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
     * KEYS[1] month counter, then one idempotency key per job. ARGV, six per job in the order of its key: job id,
     * key ttl ms, cap, counter ttl ms, '1' when admission control lets new work in, id of a job whose record has
     * expired and whose key may be taken over ('' when none). Jobs are decided one after the other, exactly as
     * separate calls would be (a repeat of a key earlier in the batch is its duplicate). Returns (outcome, value)
     * pairs in order.
     */
    private static final String ACCEPT = """
            local out = {}
            for j = 2, #KEYS do
              local a = (j - 2) * 6
              local owner = redis.call('GET', KEYS[j])
              if owner and owner ~= ARGV[a + 6] then
                out[#out + 1] = 'duplicate'; out[#out + 1] = owner
              elseif ARGV[a + 5] ~= '1' then
                out[#out + 1] = 'shed'; out[#out + 1] = ''
              else
                local used = tonumber(redis.call('GET', KEYS[1]) or '0')
                if used >= tonumber(ARGV[a + 3]) then
                  out[#out + 1] = 'cap'; out[#out + 1] = tostring(used)
                else
                  redis.call('SET', KEYS[j], ARGV[a + 1], 'PX', ARGV[a + 2])
                  used = redis.call('INCR', KEYS[1])
                  if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[a + 4]) end
                  out[#out + 1] = 'accepted'; out[#out + 1] = tostring(used)
                end
              end
            end
            return out
            """;

    /** Bounded so one script call never holds Redis for long (and stays within Lua's argument limits). */
    private static final int MAX_BATCH = 128;

    /** One job asking in. */
    private record Request(String idempotencyKey, String jobId, Duration keyTtl, long cap, Duration counterTtl,
                           boolean admitted, String staleOwner) {
    }

    private final RedissonReactiveClient redis;
    /**
     * Every submission passes here, so concurrent ones of a tenant share one script call: the month counter and the
     * tenant's idempotency keys carry the same hash tag, so a batch is one call even on Redis Cluster.
     */
    private final Coalescer<String, Request, Result> byCounter = new Coalescer<>(MAX_BATCH, this::decide);

    JobAcceptance(RedissonReactiveClient redis) {
        this.redis = redis;
    }

    Mono<Result> run(String idempotencyKey, String counterKey, String jobId, Duration keyTtl, long cap,
                     Duration counterTtl, boolean admitted, String staleOwner) {
        return byCounter.submit(counterKey, new Request(idempotencyKey, jobId, keyTtl, cap, counterTtl, admitted,
                staleOwner == null ? "" : staleOwner));
    }

    private Mono<List<Result>> decide(String counterKey, List<Request> batch) {
        List<Object> keys = new ArrayList<>(1 + batch.size());
        List<Object> args = new ArrayList<>(6 * batch.size());
        keys.add(counterKey);
        for (Request r : batch) {
            keys.add(r.idempotencyKey());
            args.add(r.jobId());
            args.add(Long.toString(r.keyTtl().toMillis()));
            args.add(Long.toString(r.cap()));
            args.add(Long.toString(r.counterTtl().toMillis()));
            args.add(r.admitted() ? "1" : "0");
            args.add(r.staleOwner());
        }
        return redis.getScript(StringCodec.INSTANCE)
                .<List<Object>>eval(RScript.Mode.READ_WRITE, ACCEPT, RScript.ReturnType.LIST, keys, args.toArray())
                .map(reply -> {
                    List<Result> results = new ArrayList<>(batch.size());
                    for (int i = 0; i + 1 < reply.size(); i += 2) {
                        results.add(result(String.valueOf(reply.get(i)), String.valueOf(reply.get(i + 1))));
                    }
                    return results;
                });
    }

    private static Result result(String kind, String value) {
        return switch (kind) {
            case "accepted" -> new Result(Outcome.ACCEPTED, null, Long.parseLong(value));
            case "duplicate" -> new Result(Outcome.DUPLICATE, value, 0);
            case "cap" -> new Result(Outcome.AT_CAP, null, Long.parseLong(value));
            case "shed" -> new Result(Outcome.SHED, null, 0);
            default -> throw new IllegalStateException("unexpected acceptance reply " + kind);
        };
    }
}
