package io.ezthrottle.core.queue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.ezthrottle.core.event.JobSignal;
import io.ezthrottle.core.job.JobRetention;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * The per-attempt state machine of a job, kept in the job's hash and changed only by atomic scripts. Fields:
 * {@code a:<attempt>} (queued, dispatching, failed, done, rerouted), {@code ae:<attempt>} (epoch),
 * {@code ao:<attempt>} (owning worker while dispatching).
 *
 * <p>Ordering rule that makes crashes harmless without cross-key transactions: a new stream entry is written
 * <em>before</em> the state that expects it, and the entry being worked on is acknowledged <em>last</em>. The
 * claim check below then turns every duplicate or stale entry into a no-op.
 *
 * <p>The scripts that start a dispatch or end a job also publish its {@link JobSignal} for live streams, after the
 * record says so: one round trip instead of two for every job.
 */
public final class AttemptLedger {

    /** Outcome of {@link #claim}. */
    public enum Claim { CLAIMED, STALE, TERMINAL, MISSING }

    private static final String ACTIVE_STATES = """
            local function active(h)
              for i = 1, #h, 2 do
                if string.sub(h[i], 1, 2) == 'a:' and (h[i + 1] == 'queued' or h[i + 1] == 'dispatching') then return true end
              end
              return false
            end
            """;

    /** ARGV: attempt, epoch, owner, deadOwner ('' if none), ttlMs, now, signal channel, dispatching signal. */
    private static final String CLAIM = """
            local state = redis.call('HGET', KEYS[1], 'state')
            if not state then return 'missing' end
            if state == 'completed' or state == 'failed' then return 'terminal' end
            local a = redis.call('HGET', KEYS[1], 'a:' .. ARGV[1])
            local e = redis.call('HGET', KEYS[1], 'ae:' .. ARGV[1]) or '0'
            if e ~= ARGV[2] then return 'stale' end
            -- an entry is published before its attempt is registered: epoch 0 with no record yet is queued
            if not a then a = 'queued'; redis.call('HSET', KEYS[1], 'ae:' .. ARGV[1], '0') end
            -- dispatching by a dead owner, or by this very owner (a claim whose reply was lost, or an entry it
            -- dropped before the call): nobody is running it, so it may be claimed again
            if a == 'dispatching' then
              local ao = redis.call('HGET', KEYS[1], 'ao:' .. ARGV[1])
              if ao == ARGV[3] or (ARGV[4] ~= '' and ao == ARGV[4]) then a = 'queued' end
            end
            if a ~= 'queued' then return 'stale' end
            redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], 'dispatching', 'ao:' .. ARGV[1], ARGV[3], 'state', 'dispatching',
              'updated_at', ARGV[6])
            redis.call('HINCRBY', KEYS[1], 'attempts', 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[5])
            redis.call('PUBLISH', ARGV[7], ARGV[8])
            return 'claimed'
            """;

    /** ARGV: attempt. Starts an attempt unless it exists; returns its epoch. */
    private static final String START = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
            if redis.call('HSETNX', KEYS[1], 'a:' .. ARGV[1], 'queued') == 1 then
              redis.call('HSET', KEYS[1], 'ae:' .. ARGV[1], '0')
              return 0
            end
            return tonumber(redis.call('HGET', KEYS[1], 'ae:' .. ARGV[1]))
            """;

    /** ARGV: attempt, newEpoch. Puts an attempt back to queued under the given epoch. */
    private static final String REQUEUE = """
            local state = redis.call('HGET', KEYS[1], 'state')
            if not state then return 'missing' end
            if state == 'completed' or state == 'failed' then return 'terminal' end
            redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], 'queued', 'ae:' .. ARGV[1], ARGV[2], 'state', 'queued')
            redis.call('HDEL', KEYS[1], 'ao:' .. ARGV[1])
            if ARGV[3] then redis.call('HSET', KEYS[1], ARGV[3], ARGV[4]) end
            return 'ok'
            """;

    /** ARGV: attempt, ttlMs, now, signal channel, finished signal, then field/value pairs. First success wins. */
    private static final String SUCCEED = """
            local state = redis.call('HGET', KEYS[1], 'state')
            if not state then return 'missing' end
            if state == 'completed' or state == 'failed' then
              redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], 'done')
              return 'lost'
            end
            redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], 'done', 'state', 'completed', 'updated_at', ARGV[3], 'won_attempt', ARGV[1])
            -- a completed job carries no failure reason left behind by an earlier failed stage or attempt
            redis.call('HDEL', KEYS[1], 'error')
            for i = 6, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('PUBLISH', ARGV[4], ARGV[5])
            return 'won'
            """;

    /**
     * ARGV: attempt, mark (failed|rerouted|done), failed ttlMs, now, completed ttlMs, signal channel, finished signal,
     * then field/value pairs. Ends one attempt; when no attempt is still active the job ends ('completed' if any
     * attempt was done, else 'failed'), otherwise it waits for the others ('waiting'). Once an attempt is done (fanout), the outcome it recorded
     * (response, status_code) is what the job reports: later attempts do not overwrite it.
     */
    private static final String END_ATTEMPT = ACTIVE_STATES + """
            local state = redis.call('HGET', KEYS[1], 'state')
            if not state then return 'missing' end
            if state == 'completed' or state == 'failed' then
              redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], ARGV[2])
              return 'terminal'
            end
            local before = redis.call('HGETALL', KEYS[1])
            local settled = false
            for i = 1, #before, 2 do
              if string.sub(before[i], 1, 2) == 'a:' and before[i + 1] == 'done' then settled = true end
            end
            redis.call('HSET', KEYS[1], 'a:' .. ARGV[1], ARGV[2], 'updated_at', ARGV[4])
            for i = 8, #ARGV, 2 do
              local f = ARGV[i]
              if not (settled and (f == 'response' or f == 'status_code' or f == 'error')) then
                redis.call('HSET', KEYS[1], f, ARGV[i + 1])
              end
            end
            local h = redis.call('HGETALL', KEYS[1])
            if active(h) then return 'waiting' end
            for i = 1, #h, 2 do
              if string.sub(h[i], 1, 2) == 'a:' and h[i + 1] == 'done' then
                redis.call('HSET', KEYS[1], 'state', 'completed')
                redis.call('HDEL', KEYS[1], 'error')
                redis.call('PEXPIRE', KEYS[1], ARGV[5])
                redis.call('PUBLISH', ARGV[6], ARGV[7])
                return 'completed'
              end
            end
            redis.call('HSET', KEYS[1], 'state', 'failed')
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('PUBLISH', ARGV[6], ARGV[7])
            return 'failed'
            """;

    /**
     * ARGV: ttlMs, now, signal channel, finished signal, then field/value pairs. Fails the whole job now (deadline
     * passed, region unavailable).
     */
    private static final String FAIL_JOB = """
            local state = redis.call('HGET', KEYS[1], 'state')
            if not state then return 'missing' end
            if state == 'completed' or state == 'failed' then return 'terminal' end
            redis.call('HSET', KEYS[1], 'state', 'failed', 'updated_at', ARGV[2])
            for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('PUBLISH', ARGV[3], ARGV[4])
            return 'failed'
            """;

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final JobRetention retention;
    private final Clock clock;

    public AttemptLedger(RedissonReactiveClient redis, RedisKeys keys, JobRetention retention, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.retention = retention;
        this.clock = clock;
    }

    /** Registers an attempt as queued (idempotent); emits its epoch, or -1 when the job is gone. */
    public Mono<Long> start(String jobId, AttemptId attempt) {
        return script(START, RScript.ReturnType.LONG, jobId, attempt.toString());
    }

    /**
     * Takes the attempt for dispatch if the entry is current. {@code deadOwner}, for an entry reclaimed from a dead
     * worker, lets the attempt be taken over even though that worker had marked it dispatching.
     */
    public Mono<Claim> claim(QueueEntry entry, String owner, String deadOwner) {
        return this.<String>script(CLAIM, RScript.ReturnType.STRING, entry.jobId(), entry.attempt().toString(),
                        Long.toString(entry.epoch()), owner, deadOwner == null ? "" : deadOwner,
                        Long.toString(retention.queued().toMillis()), Long.toString(clock.millis()), keys.jobEvents(),
                        JobSignal.dispatching(entry.jobId()).encode())
                .map(r -> switch (r) {
                    case "claimed" -> Claim.CLAIMED;
                    case "terminal" -> Claim.TERMINAL;
                    case "missing" -> Claim.MISSING;
                    default -> Claim.STALE;
                });
    }

    /** Puts the attempt back to queued with {@code newEpoch}; emits false when the job already ended. */
    public Mono<Boolean> requeue(QueueEntry entry, long newEpoch) {
        return this.<String>script(REQUEUE, RScript.ReturnType.STRING, entry.jobId(), entry.attempt().toString(),
                Long.toString(newEpoch)).map("ok"::equals);
    }

    /** Like {@link #requeue(QueueEntry, long)}, also recording what the try that ends now got ({@link #tryField}). */
    public Mono<Boolean> requeue(QueueEntry entry, long newEpoch, String tryOutcome) {
        return this.<String>script(REQUEUE, RScript.ReturnType.STRING, entry.jobId(), entry.attempt().toString(),
                Long.toString(newEpoch), tryField(entry), tryOutcome).map("ok"::equals);
    }

    /**
     * The job-hash field holding what one try of an attempt got (a status code, or the transport error): one field
     * per try ({@code t:<attempt>:<epoch>}), so the console can show every try of every attempt.
     */
    public static String tryField(QueueEntry entry) {
        return "t:" + entry.attempt() + ":" + entry.epoch();
    }

    /** Records a successful attempt; emits true when it won (the job completed now), false when another had. */
    public Mono<Boolean> succeed(QueueEntry entry, Map<String, String> fields) {
        List<Object> args = new ArrayList<>(List.of(entry.attempt().toString(),
                Long.toString(retention.completed().toMillis()), Long.toString(clock.millis()), keys.jobEvents(),
                JobSignal.finished(entry.jobId()).encode()));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return this.<String>script(SUCCEED, RScript.ReturnType.STRING, entry.jobId(), args.toArray()).map("won"::equals);
    }

    /** Result of {@link #endAttempt}: the job ended now (failed, or completed by an earlier fanout success), or not. */
    public enum End { JOB_FAILED, JOB_COMPLETED, WAITING, ALREADY_ENDED }

    /**
     * Ends an attempt ({@code mark} = failed, rerouted, or done for a fanout success that lets the others finish).
     * When no attempt remains active the job ends: completed if any attempt was done, failed otherwise.
     */
    public Mono<End> endAttempt(QueueEntry entry, String mark, Map<String, String> fields) {
        List<Object> args = new ArrayList<>(List.of(entry.attempt().toString(), mark,
                Long.toString(retention.failed().toMillis()), Long.toString(clock.millis()),
                Long.toString(retention.completed().toMillis()), keys.jobEvents(), JobSignal.finished(entry.jobId()).encode()));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return this.<String>script(END_ATTEMPT, RScript.ReturnType.STRING, entry.jobId(), args.toArray())
                .map(r -> switch (r) {
                    case "failed" -> End.JOB_FAILED;
                    case "completed" -> End.JOB_COMPLETED;
                    case "waiting" -> End.WAITING;
                    default -> End.ALREADY_ENDED;
                });
    }

    /** Fails the whole job at once; emits true when this call ended it. */
    public Mono<Boolean> failJob(String jobId, Map<String, String> fields) {
        List<Object> args = new ArrayList<>(List.of(Long.toString(retention.failed().toMillis()), Long.toString(clock.millis()),
                keys.jobEvents(), JobSignal.finished(jobId).encode()));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return this.<String>script(FAIL_JOB, RScript.ReturnType.STRING, jobId, args.toArray()).map("failed"::equals);
    }

    /** Marks a workflow stage as started; emits true only for the first caller. */
    public Mono<Boolean> markStageStarted(String jobId, int stage) {
        return redis.<String, String>getMap(keys.job(jobId), StringCodec.INSTANCE)
                .fastPutIfAbsent("stage_started:" + stage, Long.toString(clock.millis()));
    }

    /** Marks a follow-up (on_success / on_failure) as spawned; emits true only for the first caller. */
    public Mono<Boolean> markSpawned(String jobId, String kind, String childId) {
        return redis.<String, String>getMap(keys.job(jobId), StringCodec.INSTANCE).fastPutIfAbsent("spawned:" + kind, childId);
    }

    /** Every field of the job's hash (attempt states included). */
    public Mono<Map<String, String>> fields(String jobId) {
        return redis.<String, String>getMap(keys.job(jobId), StringCodec.INSTANCE).readAllMap();
    }

    private <R> Mono<R> script(String lua, RScript.ReturnType type, String jobId, Object... args) {
        return redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, lua, type,
                List.of(keys.job(jobId)), args);
    }
}
