package io.ezthrottle.core.job.redis;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ezthrottle.core.job.JobJson;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobRetention;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.UpstreamResponse;
import io.ezthrottle.core.redis.Coalescer;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RScript;
import org.redisson.api.RScriptAsync;
import org.redisson.api.RedissonClient;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Job records as Redis hashes. Every state change is one Lua script that checks the transition against
 * {@link JobState#allowedFrom()}, writes the fields and resets the TTL for the new state, so two replicas can
 * never both finish a job and a finished job never goes back.
 */
public final class RedisJobStore {

    /** KEYS[1] job hash; ARGV[1] new state; ARGV[2] allowed-from states (",a,b,"); ARGV[3] ttl ms; rest field/value pairs. */
    private static final String TRANSITION = """
            local current = redis.call('HGET', KEYS[1], 'state')
            if not current then return 'missing' end
            if not string.find(ARGV[2], ',' .. current .. ',', 1, true) then return current end
            redis.call('HSET', KEYS[1], 'state', ARGV[1])
            for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 'ok'
            """;

    /**
     * KEYS[1] job hash; ARGV[1] ttl ms; rest field/value pairs. One round trip instead of HSET then PEXPIRE, and the
     * record never exists without its TTL.
     */
    private static final String CREATE = """
            redis.call('HSET', KEYS[1], unpack(ARGV, 2))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1
            """;

    /** Bounded so one pipeline never holds a connection for long. */
    private static final int MAX_BATCH = 128;

    /** A record to create: its key and the CREATE script's arguments. */
    private record Creation(String key, Object[] args) {
    }

    private final RedissonReactiveClient redis;
    private final RedissonClient pipelines;
    private final RedisKeys keys;
    private final JobJson jobJson;
    private final JobRetention retention;
    private final Clock clock;
    private final ObjectMapper json = JsonMapper.builder().build();
    /**
     * Every accepted job is created here, so records created concurrently go out together in one pipeline: the keys
     * of different jobs lie in different hash slots, so they cannot share a script, but a pipeline costs one write
     * and one connection however many records it carries (Redisson splits it by node on a cluster).
     */
    private final Coalescer<String, Creation, Boolean> creations = new Coalescer<>(MAX_BATCH, (k, batch) -> createAll(batch));

    public RedisJobStore(RedissonReactiveClient redis, RedissonClient pipelines, RedisKeys keys, JobJson jobJson,
                         JobRetention retention, Clock clock) {
        this.redis = redis;
        this.pipelines = pipelines;
        this.keys = keys;
        this.jobJson = jobJson;
        this.retention = retention;
        this.clock = clock;
    }

    /** Stores a new record (state queued) with the queued TTL. */
    public Mono<Void> create(JobRecord job) {
        return create(job, List.of());
    }

    /**
     * Stores a new record with its first attempts already registered as queued at epoch 0: the fields
     * {@code AttemptLedger.start} would add, written with the record so that starting them costs no round trip of
     * its own. The attempts' stream entries must follow (a worker claims an attempt only from its entry).
     */
    public Mono<Void> create(JobRecord job, List<String> queuedAttempts) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("tenant", job.tenantId());
        fields.put("surface", job.surface().name());
        fields.put("state", job.state().wire());
        fields.put("spec", jobJson.write(job.spec()));
        fields.put("idempotent_key", job.idempotentKey());
        fields.put("created_at", Long.toString(job.createdAt()));
        fields.put("updated_at", Long.toString(job.updatedAt()));
        fields.put("attempts", Integer.toString(job.attempts()));
        if (job.parentJobId() != null) {
            fields.put("parent_job_id", job.parentJobId());
        }
        for (String attempt : queuedAttempts) {
            fields.put("a:" + attempt, "queued");
            fields.put("ae:" + attempt, "0");
        }
        List<Object> args = new ArrayList<>(1 + 2 * fields.size());
        args.add(Long.toString(retention.forState(job.state()).toMillis()));
        fields.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return creations.submit("", new Creation(keys.job(job.id()), args.toArray())).then();
    }

    private Mono<List<Boolean>> createAll(List<Creation> batch) {
        if (batch.size() == 1) {
            Creation c = batch.get(0);
            return redis.getScript(StringCodec.INSTANCE)
                    .<Long>eval(RScript.Mode.READ_WRITE, CREATE, RScript.ReturnType.LONG, List.of(c.key()), c.args())
                    .thenReturn(List.of(Boolean.TRUE));
        }
        // The future-based batch, as FinishedJobs uses: the reactive one wraps every queued command in a sink.
        return Mono.defer(() -> {
            RBatch pipeline = pipelines.createBatch(BatchOptions.defaults());
            RScriptAsync script = pipeline.getScript(StringCodec.INSTANCE);
            for (Creation c : batch) {
                script.evalAsync(RScript.Mode.READ_WRITE, CREATE, RScript.ReturnType.LONG, List.of(c.key()), c.args());
            }
            return Mono.fromCompletionStage(pipeline.executeAsync())
                    .thenReturn(Collections.nCopies(batch.size(), Boolean.TRUE));
        });
    }

    public Mono<JobRecord> find(String jobId) {
        return redis.<String, String>getMap(keys.job(jobId), StringCodec.INSTANCE).readAllMap()
                .filter(m -> m.containsKey("state") && m.containsKey("spec"))
                .map(m -> toRecord(jobId, m));
    }

    /**
     * Moves a job to {@code to} if its current state allows it. Emits true when the change was made, false when the
     * job was already elsewhere (for example finished by another replica) or is gone.
     */
    public Mono<Boolean> transition(String jobId, JobState to, Map<String, String> fields) {
        StringBuilder from = new StringBuilder(",");
        to.allowedFrom().forEach(s -> from.append(s.wire()).append(','));
        List<Object> args = new ArrayList<>();
        args.add(to.wire());
        args.add(from.toString());
        args.add(Long.toString(retention.forState(to).toMillis()));
        Map<String, String> all = new HashMap<>(fields);
        all.put("updated_at", Long.toString(clock.millis()));
        all.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return redis.getScript(StringCodec.INSTANCE)
                .<String>eval(RScript.Mode.READ_WRITE, TRANSITION, RScript.ReturnType.STRING,
                        List.of(keys.job(jobId)), args.toArray())
                .map("ok"::equals);
    }

    /** Fields that record a finished upstream exchange, ready for {@link #transition}. */
    public Map<String, String> outcomeFields(UpstreamResponse response, String error, int attempts) {
        Map<String, String> fields = new HashMap<>();
        if (response != null) {
            ObjectNode r = json.createObjectNode();
            r.put("status_code", response.statusCode());
            ObjectNode h = r.putObject("headers");
            response.headers().forEach(h::put);
            r.put("body", response.body());
            fields.put("response", json.writeValueAsString(r));
            fields.put("status_code", Integer.toString(response.statusCode()));
        }
        if (error != null) {
            fields.put("error", error);
        }
        fields.put("attempts", Integer.toString(attempts));
        return fields;
    }

    private JobRecord toRecord(String id, Map<String, String> m) {
        UpstreamResponse response = null;
        String raw = m.get("response");
        if (raw != null) {
            JsonNode r = json.readTree(raw);
            Map<String, String> headers = new LinkedHashMap<>();
            r.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
            response = new UpstreamResponse(r.path("status_code").asInt(), headers, r.path("body").asString());
        }
        return new JobRecord(id, m.get("tenant"), Surface.valueOf(m.getOrDefault("surface", "CLOUD")),
                JobState.fromWire(m.get("state")), jobJson.read(m.get("spec")), m.get("idempotent_key"),
                Long.parseLong(m.getOrDefault("created_at", "0")), Long.parseLong(m.getOrDefault("updated_at", "0")),
                Integer.parseInt(m.getOrDefault("attempts", "0")), response, m.get("error"), m.get("parent_job_id"));
    }
}
