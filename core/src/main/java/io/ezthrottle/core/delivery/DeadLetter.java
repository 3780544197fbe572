package io.ezthrottle.core.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

import io.ezthrottle.core.job.Surface;

/**
 * A webhook delivery that exhausted its schedule, kept with everything needed to replay it.
 *
 * @param id             stream entry id ({@code <ms>-<seq>}), unique within the tenant
 * @param tenantId       owner
 * @param jobId          the job whose result was not delivered
 * @param index          the webhook's position in the job's list
 * @param url            the webhook
 * @param vote           whether it counted toward the quorum
 * @param surface        surface that created the job
 * @param attempts       attempts made
 * @param firstAttemptAt epoch ms of the first attempt
 * @param failedAt       epoch ms it was given up
 * @param lastStatus     HTTP status of the last attempt, 0 when there was no HTTP answer
 * @param lastError      why the last attempt failed
 * @param body           the payload that was to be delivered
 */
public record DeadLetter(String id, String tenantId, String jobId, int index, String url, boolean vote, Surface surface,
                         int attempts, long firstAttemptAt, long failedAt, int lastStatus, String lastError,
                         String body) {

    Map<String, String> fields() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("job_id", jobId);
        f.put("index", Integer.toString(index));
        f.put("url", url);
        f.put("vote", vote ? "1" : "0");
        f.put("surface", surface.name());
        f.put("attempts", Integer.toString(attempts));
        f.put("first_attempt_at", Long.toString(firstAttemptAt));
        f.put("failed_at", Long.toString(failedAt));
        f.put("last_status", Integer.toString(lastStatus));
        f.put("last_error", lastError == null ? "" : lastError);
        f.put("body", body);
        return f;
    }

    static DeadLetter from(String id, String tenantId, Map<String, String> f) {
        String error = f.get("last_error");
        return new DeadLetter(id, tenantId, f.get("job_id"), Integer.parseInt(f.getOrDefault("index", "0")), f.get("url"),
                "1".equals(f.get("vote")), Surface.valueOf(f.getOrDefault("surface", Surface.CLOUD.name())),
                Integer.parseInt(f.getOrDefault("attempts", "0")), Long.parseLong(f.getOrDefault("first_attempt_at", "0")),
                Long.parseLong(f.getOrDefault("failed_at", "0")), Integer.parseInt(f.getOrDefault("last_status", "0")),
                error == null || error.isEmpty() ? null : error, f.getOrDefault("body", ""));
    }
}
