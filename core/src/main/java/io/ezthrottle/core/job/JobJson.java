package io.ezthrottle.core.job;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The canonical (snake_case) JSON form of a {@link JobSpec}, used to store a job in Redis. Reading goes back
 * through {@link JobPayloadParser}, so a stored spec and a submitted one are read by the same rules.
 */
public final class JobJson {

    private final ObjectMapper json = JsonMapper.builder().build();
    private final JobPayloadParser parser;

    public JobJson(JobPayloadParser parser) {
        this.parser = parser;
    }

    public JobJson() {
        this(new JobPayloadParser());
    }

    public String write(JobSpec spec) {
        return json.writeValueAsString(toNode(spec));
    }

    public JobSpec read(String text) {
        return parser.parse(json.readTree(text));
    }

    public ObjectNode toNode(JobSpec spec) {
        ObjectNode n = json.createObjectNode();
        n.put("url", spec.url());
        n.put("method", spec.method());
        ObjectNode headers = n.putObject("headers");
        spec.headers().forEach(headers::put);
        if (spec.body() != null) {
            n.put("body", spec.body());
        }
        n.set("metadata", json.valueToTree(spec.metadata()));
        ArrayNode webhooks = n.putArray("webhooks");
        for (WebhookTarget w : spec.webhooks()) {
            ObjectNode wn = webhooks.addObject();
            wn.put("url", w.url());
            if (!w.regions().isEmpty()) {
                ArrayNode r = wn.putArray("regions");
                w.regions().forEach(r::add);
            }
            wn.put("has_quorum_vote", w.hasQuorumVote());
        }
        n.put("webhook_quorum", spec.webhookQuorum());
        if (!spec.regions().isEmpty()) {
            ArrayNode r = n.putArray("regions");
            spec.regions().forEach(r::add);
        }
        n.put("region_policy", spec.regionPolicy().wire());
        n.put("execution_mode", spec.executionMode().wire());
        ObjectNode rp = n.putObject("retry_policy");
        rp.put("max_retries", spec.retryPolicy().maxRetries());
        rp.put("max_reroutes", spec.retryPolicy().maxReroutes());
        ArrayNode rc = rp.putArray("retry_codes");
        spec.retryPolicy().retryCodes().forEach(rc::add);
        ArrayNode rr = rp.putArray("reroute_codes");
        spec.retryPolicy().rerouteCodes().forEach(rr::add);
        Trigger t = spec.trigger();
        if (t.type() != null || !t.codes().isEmpty() || t.timeoutMs() != null) {
            ObjectNode tn = n.putObject("trigger");
            if (t.type() != null) {
                tn.put("type", t.type().wire());
            }
            if (!t.codes().isEmpty()) {
                ArrayNode codes = tn.putArray("codes");
                t.codes().forEach(codes::add);
            }
            if (t.timeoutMs() != null) {
                tn.put("timeout_ms", t.timeoutMs());
            }
        }
        if (spec.fallbackJob() != null) {
            n.set("fallback_job", toNode(spec.fallbackJob()));
        }
        if (spec.onSuccess() != null) {
            n.set("on_success", toNode(spec.onSuccess()));
        }
        if (spec.onFailure() != null) {
            n.set("on_failure", toNode(spec.onFailure()));
        }
        if (spec.onFailureTimeoutMs() != null) {
            n.put("on_failure_timeout_ms", spec.onFailureTimeoutMs());
        }
        if (spec.idempotentKey() != null) {
            n.put("idempotent_key", spec.idempotentKey());
        }
        if (spec.retryAt() != null) {
            n.put("retry_at", spec.retryAt());
        }
        if (spec.userId() != null) {
            n.put("user_id", spec.userId());
        }
        return n;
    }

    public JsonNode readTree(String text) {
        return json.readTree(text);
    }
}
