package io.ezthrottle.webhook.delivery;

import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.UpstreamResponse;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The webhook body of a finished job, in the shape of the surface that created it: compat-protocol §5.1 for
 * {@code /api/v1/jobs}, §5.2 for {@code /jobs}. Serialised once, so every webhook gets identical bytes.
 */
@Component
public class WebhookPayloads {

    private final ObjectMapper json = JsonMapper.builder().build();

    /** The payload as JSON text (stored once per delivery; every attempt sends exactly these bytes as UTF-8). */
    public String body(JobRecord job) {
        return json.writeValueAsString(job.surface() == Surface.LOCAL ? local(job) : cloud(job));
    }

    private ObjectNode cloud(JobRecord job) {
        ObjectNode n = json.createObjectNode();
        n.put("job_id", job.id());
        n.put("idempotent_key", job.idempotentKey());
        n.put("status", job.state() == JobState.COMPLETED ? "success" : "failed");
        UpstreamResponse r = job.response();
        if (r == null) {
            n.putNull("response");
        } else {
            ObjectNode rn = n.putObject("response");
            rn.put("status_code", r.statusCode());
            ObjectNode h = rn.putObject("headers");
            r.headers().forEach(h::put);
            rn.put("body", r.body());
        }
        n.set("metadata", json.valueToTree(job.spec().metadata()));
        if (job.error() != null && job.state() == JobState.FAILED) {
            n.put("error", job.error());
        }
        if (job.parentJobId() != null) {
            n.put("parent_job_id", job.parentJobId());
        }
        n.put("attempts", job.attempts());
        return n;
    }

    private ObjectNode local(JobRecord job) {
        ObjectNode n = json.createObjectNode();
        n.put("job_id", job.id());
        if (job.response() != null) {
            n.put("status", "completed");
            n.put("response_status", job.response().statusCode());
            n.put("body", job.response().body());
        } else {
            n.put("status", "failed");
            n.put("reason", job.error() == null ? "unknown error" : job.error());
        }
        return n;
    }
}
