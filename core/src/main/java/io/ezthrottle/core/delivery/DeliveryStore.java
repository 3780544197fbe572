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
        List<Object> args = new ArrayList<>(List.of(plan.jobId(), ms(lease), ms(ttl), plan.tenantId(),
                plan.surface().name(), plan.body(), Integer.toString(plan.votesNeeded()), Long.toString(plan.voters()),
                Integer.toString(plan.targets().size())));
        for (DeliveryPlan.Target t : plan.targets()) {
            args.add(t.url());
            args.add(t.vote() ? "1" : "0");
        }
        int shard = DeliveryShards.of(plan.jobId());
        return this.<List<Object>>run(DeliveryScripts.PLAN, RScript.ReturnType.LIST,
                        List.of(keys.delivery(shard, plan.jobId()), keys.deliveryDue(shard)), args)
                .map(out -> {
                    if (out.isEmpty()) {
                        return List.<PendingAttempt>of();
                    }
                    long now = Long.parseLong(out.get(0).toString());
                    List<PendingAttempt> attempts = new ArrayList<>();
                    for (int i = 0; i < plan.targets().size(); i++) {
                        DeliveryPlan.Target t = plan.targets().get(i);
                        attempts.add(new PendingAttempt(new AttemptRef(plan.jobId(), i), plan.tenantId(), plan.surface(),
                                plan.body(), t.url(), t.vote(), 0, now));
                    }
                    return attempts;
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
        return record(ref, "delivered", Duration.ZERO, status, "", "", lifetimes);
    }

    /** A failed attempt with another one scheduled after {@code delay}. */
    public Mono<RecordResult> retry(AttemptRef ref, int status, String error, Duration delay, Lifetimes lifetimes) {
        return record(ref, "retry", delay, status, error, "", lifetimes);
    }

    /** The last failed attempt: the webhook is dead-lettered under {@code deadLetterId}; may fail the quorum. */
    public Mono<RecordResult> dead(AttemptRef ref, int status, String error, String deadLetterId, Lifetimes lifetimes) {
        return record(ref, "dead", Duration.ZERO, status, error, deadLetterId, lifetimes);
    }

    /** Schedules a dead-lettered webhook again, due now, with a fresh attempt count and horizon. */
    public Mono<DeliveryStatus> replay(DeadLetter letter, Duration ttl) {
        int shard = DeliveryShards.of(letter.jobId());
        return this.<String>run(DeliveryScripts.REPLAY, RScript.ReturnType.STRING,
                        List.of(keys.delivery(shard, letter.jobId()), keys.deliveryDue(shard)),
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

    private Mono<RecordResult> record(AttemptRef ref, String outcome, Duration delay, int status, String error,
                                      String deadLetterId, Lifetimes lifetimes) {
        int shard = ref.shard();
        return this.<List<Object>>run(DeliveryScripts.RECORD, RScript.ReturnType.LIST,
                        List.of(keys.delivery(shard, ref.jobId()), keys.deliveryDue(shard)),
                        List.of(ref.jobId(), Integer.toString(ref.index()), outcome, ms(delay), Integer.toString(status),
                                error == null ? "" : error, deadLetterId, ms(lifetimes.active()), ms(lifetimes.finished())))
                .map(out -> new RecordResult(out.get(0).toString(),
                        DeliveryStatus.fromWire(out.size() > 1 ? String.valueOf(out.get(1)) : "")));
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
     * What recording an attempt did.
     *
     * @param result {@code ok}; {@code stale} when the webhook had been settled meanwhile (cancelled by the quorum
     *               or attempted twice after a lease ran out); {@code gone} when the delivery expired
     * @param status the delivery's quorum status afterwards
     */
    public record RecordResult(String result, DeliveryStatus status) {
    }
}
