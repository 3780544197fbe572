package io.ezthrottle.core.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RScript;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Durable webhook delivery state in Redis: one hash per job (its webhooks, their attempts and the quorum) and, per
 * shard, a sorted set of scheduled attempts that any dispatcher replica claims atomically. Nothing about a
 * delivery lives only in memory: an attempt is claimed with a lease, and if its replica dies the lease runs out and
 * another replica makes the attempt. The price is at-least-once delivery, which receivers must tolerate anyway
 * (compat-protocol §5.4: dedupe on {@code job_id}).
 */
public final class DeliveryStore {

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;

    public DeliveryStore(RedissonReactiveClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /**
     * Creates the delivery of a finished job unless it exists, with every webhook already claimed by the caller for
     * {@code lease}. Emits the attempts to make now, or an empty list when the job was planned before (a result
     * entry read twice).
     */
    public Mono<List<PendingAttempt>> plan(DeliveryPlan plan, Duration lease, Duration ttl) {
        return planAll(DeliveryShards.of(plan.jobId()), List.of(plan), lease, ttl).map(all -> all.get(0).attempts());
    }

    /**
     * {@link #plan} for several jobs of one shard in one call; one answer per plan, in order. A job whose live
     * stream carries the outcome ({@link StreamHandoff}) is not planned but held.
     */
    public Mono<List<Planned>> planAll(int shard, List<DeliveryPlan> plans, Duration lease, Duration ttl) {
        List<Object> keyList = new ArrayList<>(List.of(keys.deliveryDue(shard)));
        List<Object> args = new ArrayList<>(List.of(ms(lease), ms(ttl)));
        for (DeliveryPlan plan : plans) {
            if (DeliveryShards.of(plan.jobId()) != shard) {
                throw new IllegalArgumentException("job " + plan.jobId() + " is not in shard " + shard);
            }
            keyList.add(keys.delivery(shard, plan.jobId()));
            keyList.add(StreamHandoff.key(keys, plan.jobId()));
            args.addAll(List.of(plan.jobId(), plan.tenantId(), plan.surface().name(), plan.body(),
                    Integer.toString(plan.votesNeeded()), Long.toString(plan.voters()), Integer.toString(plan.targets().size())));
            for (DeliveryPlan.Target t : plan.targets()) {
                args.add(t.url());
                args.add(t.vote() ? "1" : "0");
            }
        }
        return this.<List<Object>>run(DeliveryScripts.PLAN, RScript.ReturnType.LIST, keyList, args)
                .map(out -> {
                    long now = Long.parseLong(out.get(0).toString());
                    List<Planned> result = new ArrayList<>();
                    int at = 1;
                    for (DeliveryPlan plan : plans) {
                        int count = Integer.parseInt(out.get(at++).toString());
                        if (count <= 0) {
                            result.add(count == -1 ? Planned.HELD : Planned.NOTHING);
                            continue;
                        }
                        List<PendingAttempt> attempts = new ArrayList<>();
                        for (int i = 0; i < count; i++) {
                            DeliveryPlan.Target t = plan.targets().get(i);
                            attempts.add(new PendingAttempt(new AttemptRef(plan.jobId(), i), plan.tenantId(), plan.surface(),
                                    plan.body(), t.url(), t.vote(), 0, now));
                        }
                        result.add(new Planned(attempts, false));
                    }
                    return result;
                });
    }

    /** Claims up to {@code limit} due attempts of one shard for {@code lease}. */
    public Mono<Claim> claim(int shard, int limit, Duration lease) {
        return this.<List<Object>>run(DeliveryScripts.CLAIM, RScript.ReturnType.LIST, List.of(keys.deliveryDue(shard)),
                        List.of(Integer.toString(limit), ms(lease)))
                .map(out -> {
                    List<AttemptRef> refs = new ArrayList<>();
                    for (int i = 1; i < out.size(); i++) {
                        AttemptRef ref = AttemptRef.parse(out.get(i).toString());
                        if (ref != null) {
                            refs.add(ref);
                        }
                    }
                    return new Claim(Long.parseLong(out.get(0).toString()), refs);
                });
    }

    /**
     * The attempt a claimed schedule entry stands for; empty when there is nothing to do (the delivery expired or
     * this webhook was settled meanwhile), in which case the entry is dropped.
     */
    public Mono<PendingAttempt> load(AttemptRef ref) {
        String p = "t" + ref.index() + ".";
        Set<String> fields = new LinkedHashSet<>(List.of("tenant", "surface", "body", p + "url", p + "vote", p + "state",
                p + "attempts", p + "first_at"));
        String hash = keys.delivery(ref.shard(), ref.jobId());
        return redis.<String, String>getMap(hash, StringCodec.INSTANCE).getAll(fields)
                .flatMap(m -> {
                    if (!"pending".equals(m.get(p + "state")) || m.get("body") == null || m.get(p + "url") == null) {
                        return forget(ref).then(Mono.<PendingAttempt>empty());
                    }
                    return Mono.just(new PendingAttempt(ref, m.get("tenant"),
                            Surface.valueOf(m.getOrDefault("surface", Surface.CLOUD.name())), m.get("body"),
                            m.get(p + "url"), "1".equals(m.get(p + "vote")), parseInt(m.get(p + "attempts")),
                            parseLong(m.get(p + "first_at"))));
                });
    }

    /** Moves claimed attempts later without counting an attempt (each delay from Redis now). */
    public Mono<Void> defer(int shard, Map<AttemptRef, Duration> delays) {
        if (delays.isEmpty()) {
            return Mono.empty();
        }
        List<Object> args = new ArrayList<>();
        delays.forEach((ref, delay) -> {
            args.add(ms(delay));
            args.add(ref.member());
        });
        return run(DeliveryScripts.DEFER, RScript.ReturnType.LONG, List.of(keys.deliveryDue(shard)), args).then();
    }

    /** A 2xx: the webhook is delivered; may meet the quorum. */
    public Mono<RecordResult> delivered(AttemptRef ref, int status, Lifetimes lifetimes) {
        return record(Outcome.delivered(ref, status), lifetimes);
    }

    /** A failed attempt with another one scheduled after {@code delay}. */
    public Mono<RecordResult> retry(AttemptRef ref, int status, String error, Duration delay, Lifetimes lifetimes) {
        return record(Outcome.retry(ref, status, error, delay), lifetimes);
    }

    /** The last failed attempt: the webhook is dead-lettered under {@code deadLetterId}; may fail the quorum. */
    public Mono<RecordResult> dead(AttemptRef ref, int status, String error, String deadLetterId, Lifetimes lifetimes) {
        return record(Outcome.dead(ref, status, error, deadLetterId), lifetimes);
    }

    public Mono<RecordResult> record(Outcome outcome, Lifetimes lifetimes) {
        return recordAll(outcome.ref().shard(), List.of(outcome), lifetimes).map(all -> all.get(0));
    }

    /** Records outcomes of attempts of one shard in one call; one result per outcome, in order. */
    public Mono<List<RecordResult>> recordAll(int shard, List<Outcome> outcomes, Lifetimes lifetimes) {
        List<Object> keyList = new ArrayList<>(List.of(keys.deliveryDue(shard)));
        List<Object> args = new ArrayList<>(List.of(ms(lifetimes.active()), ms(lifetimes.finished())));
        for (Outcome o : outcomes) {
            if (o.ref().shard() != shard) {
                throw new IllegalArgumentException("job " + o.ref().jobId() + " is not in shard " + shard);
            }
            keyList.add(keys.delivery(shard, o.ref().jobId()));
            args.addAll(List.of(o.ref().jobId(), Integer.toString(o.ref().index()), o.kind(), ms(o.delay()),
                    Integer.toString(o.status()), o.error() == null ? "" : o.error(),
                    o.deadLetterId() == null ? "" : o.deadLetterId()));
        }
        return this.<List<Object>>run(DeliveryScripts.RECORD, RScript.ReturnType.LIST, keyList, args)
                .map(out -> {
                    List<RecordResult> results = new ArrayList<>();
                    for (int i = 0; i + 1 < out.size(); i += 2) {
                        results.add(new RecordResult(out.get(i).toString(), DeliveryStatus.fromWire(String.valueOf(out.get(i + 1)))));
                    }
                    return results;
                });
    }

    /** Schedules a dead-lettered webhook again, due now, with a fresh attempt count and horizon. */
    public Mono<DeliveryStatus> replay(DeadLetter letter, Duration ttl) {
        int shard = DeliveryShards.of(letter.jobId());
        return this.<String>run(DeliveryScripts.REPLAY, RScript.ReturnType.STRING,
                        List.of(keys.deliveryDue(shard), keys.delivery(shard, letter.jobId())),
                        List.of(letter.jobId(), Integer.toString(letter.index()), letter.tenantId(),
                                letter.surface().name(), letter.body(), letter.url(), letter.vote() ? "1" : "0",
                                letter.id(), ms(ttl)))
                .map(DeliveryStatus::fromWire);
    }

    /** The delivery of a job as observers see it; empty when it was never planned or has expired. */
    public Mono<DeliveryView> view(String jobId) {
        return redis.<String, String>getMap(keys.delivery(DeliveryShards.of(jobId), jobId), StringCodec.INSTANCE)
                .readAllMap()
                .filter(m -> m.containsKey("n"))
                .map(m -> toView(jobId, m));
    }

    /** Attempts scheduled (due or not) in one shard: the backlog an operator watches. */
    public Mono<Integer> scheduled(int shard) {
        return redis.getScoredSortedSet(keys.deliveryDue(shard), StringCodec.INSTANCE).size();
    }

    private Mono<Void> forget(AttemptRef ref) {
        return redis.getScoredSortedSet(keys.deliveryDue(ref.shard()), StringCodec.INSTANCE).remove(ref.member()).then();
    }

    private <R> Mono<R> run(String script, RScript.ReturnType type, List<Object> keyList, List<Object> args) {
        return redis.getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, script, type, keyList, args.toArray());
    }

    private static DeliveryView toView(String jobId, Map<String, String> m) {
        int n = parseInt(m.get("n"));
        List<DeliveryView.TargetView> targets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String p = "t" + i + ".";
            if (m.get(p + "url") == null) {
                continue;
            }
            String error = m.get(p + "last_error");
            String dead = m.get(p + "dead_letter");
            targets.add(new DeliveryView.TargetView(i, m.get(p + "url"), "1".equals(m.get(p + "vote")), m.get(p + "state"),
                    parseInt(m.get(p + "attempts")), parseInt(m.get(p + "last_status")),
                    error == null || error.isEmpty() ? null : error,
                    "pending".equals(m.get(p + "state")) ? parseLong(m.get(p + "next_at")) : 0,
                    parseLong(m.get(p + "delivered_at")), dead == null || dead.isEmpty() ? null : dead));
        }
        return new DeliveryView(jobId, m.get("tenant"), DeliveryStatus.fromWire(m.get("status")), parseInt(m.get("needed")),
                parseInt(m.get("votes")), parseLong(m.get("created_at")), parseLong(m.get("finished_at")), targets);
    }

    private static String ms(Duration d) {
        return Long.toString(Math.max(0, d.toMillis()));
    }

    private static int parseInt(String s) {
        return s == null || s.isEmpty() ? 0 : Integer.parseInt(s);
    }

    private static long parseLong(String s) {
        return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    }

    /**
     * Attempts claimed from one shard.
     *
     * @param now  Redis time of the claim, epoch ms
     * @param refs the claimed schedule entries
     */
    public record Claim(long now, List<AttemptRef> refs) {
    }

    /**
     * How long a delivery's state is kept.
     *
     * @param active   while some webhook still has attempts ahead (must exceed the give-up horizon)
     * @param finished after the last webhook settled (for status queries)
     */
    public record Lifetimes(Duration active, Duration finished) {
    }

    /**
     * The outcome of one attempt, to be recorded.
     *
     * @param ref          which webhook
     * @param kind         {@code delivered}, {@code retry} or {@code dead}
     * @param delay        for a retry: wait before the next attempt
     * @param status       HTTP status of the attempt, 0 when there was no HTTP answer
     * @param error        why it failed, or null
     * @param deadLetterId for {@code dead}: the letter written for it
     */
    public record Outcome(AttemptRef ref, String kind, Duration delay, int status, String error, String deadLetterId) {

        public static Outcome delivered(AttemptRef ref, int status) {
            return new Outcome(ref, "delivered", Duration.ZERO, status, null, null);
        }

        public static Outcome retry(AttemptRef ref, int status, String error, Duration delay) {
            return new Outcome(ref, "retry", delay, status, error, null);
        }

        public static Outcome dead(AttemptRef ref, int status, String error, String deadLetterId) {
            return new Outcome(ref, "dead", Duration.ZERO, status, error, deadLetterId);
        }
    }

    /**
     * What recording an attempt did.
     *
     * @param result {@code ok}; {@code stale} when the webhook had been settled meanwhile (cancelled by the quorum
     *               or attempted twice after a lease ran out); {@code gone} when the delivery expired
     * @param status the delivery's quorum status afterwards
     */
    public record RecordResult(String result, DeliveryStatus status) {
    }
}
