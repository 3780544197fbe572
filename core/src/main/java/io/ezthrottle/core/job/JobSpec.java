package io.ezthrottle.core.job;

import java.util.List;
import java.util.Map;

/**
 * A job as the client described it, normalised (compat-protocol §2): one upstream request plus what to do
 * with its result. Nested jobs ({@code fallbackJob}, {@code onSuccess}, {@code onFailure}) are full specs.
 * Immutable; produced by {@link JobPayloadParser} and written back by {@link JobJson}.
 */
public record JobSpec(
        String url,
        String method,
        Map<String, String> headers,
        String body,
        Map<String, Object> metadata,
        List<WebhookTarget> webhooks,
        int webhookQuorum,
        List<String> regions,
        RegionPolicy regionPolicy,
        ExecutionMode executionMode,
        RetryPolicy retryPolicy,
        JobSpec fallbackJob,
        Trigger trigger,
        JobSpec onSuccess,
        JobSpec onFailure,
        Long onFailureTimeoutMs,
        String idempotentKey,
        Long retryAt,
        String userId) {

    public JobSpec {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        metadata = metadata == null ? Map.of() : metadata;
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks);
        regions = regions == null ? List.of() : List.copyOf(regions);
        regionPolicy = regionPolicy == null ? RegionPolicy.FALLBACK : regionPolicy;
        executionMode = executionMode == null ? ExecutionMode.RACE : executionMode;
        retryPolicy = retryPolicy == null ? RetryPolicy.DEFAULT : retryPolicy;
        trigger = trigger == null ? Trigger.ANY_FAILURE : trigger;
    }

    /** The submission status the SDKs expect: "racing" for a race over two or more regions (§3). */
    public String submissionStatus() {
        return regions.size() >= 2 && executionMode == ExecutionMode.RACE ? "racing" : "queued";
    }

    /** Depth of the fallback chain below this job (0 when it has no fallback). */
    public int fallbackDepth() {
        return fallbackJob == null ? 0 : 1 + fallbackJob.fallbackDepth();
    }

    /** This spec as a follow-up job of its own: given key, webhooks and metadata. */
    public JobSpec asFollowUp(String key, List<WebhookTarget> hooks, Map<String, Object> meta) {
        return new JobSpec(url, method, headers, body, meta, hooks, webhookQuorum, regions, regionPolicy,
                executionMode, retryPolicy, fallbackJob, trigger, onSuccess, onFailure, onFailureTimeoutMs, key,
                retryAt, userId);
    }

    public JobSpec withIdempotentKey(String key) {
        return new JobSpec(url, method, headers, body, metadata, webhooks, webhookQuorum, regions, regionPolicy,
                executionMode, retryPolicy, fallbackJob, trigger, onSuccess, onFailure, onFailureTimeoutMs, key,
                retryAt, userId);
    }
}
