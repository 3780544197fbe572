package io.ezthrottle.worker.dispatch;

import io.ezthrottle.core.job.UpstreamResponse;

/**
 * What one upstream attempt produced: an HTTP answer, or a transport failure (no answer) with its reason.
 */
public record UpstreamOutcome(UpstreamResponse response, String transportError) {

    public static UpstreamOutcome answered(UpstreamResponse response) {
        return new UpstreamOutcome(response, null);
    }

    public static UpstreamOutcome transportFailure(String reason) {
        return new UpstreamOutcome(null, reason);
    }

    public boolean successful() {
        return response != null && response.successful();
    }
}
