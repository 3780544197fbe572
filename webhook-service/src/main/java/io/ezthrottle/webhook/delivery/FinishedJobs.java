package io.ezthrottle.webhook.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.ezthrottle.core.delivery.DeliveryPlan;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RFuture;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Reads what the delivery of finished jobs needs, for a whole batch of result entries in one pipelined round trip,
 * and builds their plans: only the fields the payload uses (one HMGET per job, never the attempt ledger), only the
 * webhooks, quorum and metadata of the stored spec, streamed past the rest ({@link StoredSpec}; a stored spec is
 * already canonical and valid, so it is not run through the submission parser again), the metadata and the stored
 * upstream answer embedded as they are stored
 * (the answer was written by Jackson in exactly the {@code {status_code, headers, body}} shape compat-protocol §5.1 wants).
 * At thousands of deliveries per second these were the per-delivery costs that showed (a full record read, the
 * spec re-validated, the answer parsed and written again). The body is serialised once per job, so every webhook
 * and every attempt sends identical bytes.
 */
@Component
public class FinishedJobs {

    private static final Logger log = LoggerFactory.getLogger(FinishedJobs.class);
    private static final Set<String> FIELD_SET = Set.of("state", "tenant", "surface", "spec", "idempotent_key", "response",
            "error", "attempts", "parent_job_id");

    private final RedissonClient redis;
    private final RedisKeys keys;
    private final JsonMapper json = JsonMapper.builder().build();

    public FinishedJobs(RedissonClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** What a job's result entry asks for. */
    public sealed interface Lookup {
        /** Deliver this plan. */
        record Plan(DeliveryPlan plan) implements Lookup {
        }

        /** Nothing to send (no webhooks, expired, or not finished); the entry can be acknowledged. */
        record Nothing() implements Lookup {
        }
    }

    /** One answer per job id, in order; an error means none could be read (the entries stay pending). */
    public Mono<List<Lookup>> lookUp(List<String> jobIds) {
        if (jobIds.isEmpty()) {
            return Mono.just(List.of());
        }
        // The future-based batch rather than the reactive one: the reactive batch wraps every queued command in a
        // buffered sink of its own, which was the largest allocation per delivery.
        return Mono.defer(() -> {
            RBatch batch = redis.createBatch(BatchOptions.defaults());
            List<RFuture<Map<String, String>>> reads = new ArrayList<>(jobIds.size());
            for (String jobId : jobIds) {
                reads.add(batch.<String, String>getMap(keys.job(jobId), StringCodec.INSTANCE).getAllAsync(FIELD_SET));
            }
            return Mono.fromCompletionStage(batch.executeAsync()).map(done -> {
                List<Lookup> out = new ArrayList<>(jobIds.size());
                for (int i = 0; i < jobIds.size(); i++) {
                    Map<String, String> m = reads.get(i).toCompletableFuture().getNow(null);
                    out.add(plan(jobIds.get(i), m == null ? Map.of() : m));
                }
                return out;
            });
        });
    }

    private Lookup plan(String jobId, Map<String, String> m) {
        String state = m.get("state");
        if (state == null || m.get("spec") == null) {
            return new Lookup.Nothing(); // expired before we got to it: nothing left to send
        }
        JobState s = JobState.fromWire(state);
        if (!s.terminal()) {
            // A result entry always follows the terminal write; anything else is not ours to send.
            log.warn("result entry for an unfinished job ignored job_id={} state={}", jobId, state);
            return new Lookup.Nothing();
        }
        StoredSpec spec = StoredSpec.read(json, m.get("spec"));
        if (spec.webhooks().isEmpty()) {
            return new Lookup.Nothing();
        }
        Surface surface = Surface.valueOf(m.getOrDefault("surface", Surface.CLOUD.name()));
        String body = surface == Surface.LOCAL ? local(jobId, m) : cloud(jobId, s, m, spec.metadata());
        return new Lookup.Plan(new DeliveryPlan(jobId, m.get("tenant"), surface, body, Math.max(1, spec.quorum()),
                spec.webhooks()));
    }

    /**
     * compat-protocol §5.1: {@code job_id, idempotent_key, status (success|failed), response (or null), metadata ({}
     * when none)}, plus the optional {@code error} (failed jobs), {@code parent_job_id} (follow-ups) and
     * {@code attempts}.
     */
    private String cloud(String jobId, JobState state, Map<String, String> m, String metadata) {
        ObjectNode n = json.createObjectNode();
        n.put("job_id", jobId);
        n.put("idempotent_key", m.get("idempotent_key"));
        n.put("status", state == JobState.COMPLETED ? "success" : "failed");
        String response = m.get("response");
        if (response == null) {
            n.putNull("response");
        } else {
            n.putRawValue("response", new RawValue(response));
        }
        if (metadata != null) {
            n.putRawValue("metadata", new RawValue(metadata));
        } else {
            n.putObject("metadata");
        }
        if (m.get("error") != null && state == JobState.FAILED) {
            n.put("error", m.get("error"));
        }
        if (m.get("parent_job_id") != null) {
            n.put("parent_job_id", m.get("parent_job_id"));
        }
        n.put("attempts", Integer.parseInt(m.getOrDefault("attempts", "0")));
        return json.writeValueAsString(n);
    }

    /** compat-protocol §5.2: completed (any HTTP answer) or failed (transport error). */
    private String local(String jobId, Map<String, String> m) {
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("job_id", jobId);
        String response = m.get("response");
        if (response != null) {
            JsonNode r = json.readTree(response);
            n.put("status", "completed");
            n.put("response_status", r.path("status_code").asInt());
            n.put("body", r.path("body").asString());
        } else {
            n.put("status", "failed");
            n.put("reason", m.get("error") == null ? "unknown error" : m.get("error"));
        }
        return json.writeValueAsString(n);
    }
}
