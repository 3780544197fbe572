package io.ezthrottle.core.job;

import java.util.List;

/**
 * How an attempt that got a retryable answer is repeated (compat-protocol §2.2, §6.5).
 * Members absent from the payload take the recommended defaults.
 *
 * @param maxRetries   attempts repeated in the same region
 * @param maxReroutes  attempts moved to another region
 * @param retryCodes   upstream statuses retried in place
 * @param rerouteCodes upstream statuses that move the attempt to another region
 */
public record RetryPolicy(int maxRetries, int maxReroutes, List<Integer> retryCodes, List<Integer> rerouteCodes) {

    public static final RetryPolicy DEFAULT =
            new RetryPolicy(3, 2, List.of(429, 500, 502, 503, 504), List.of(500, 502, 503, 504));

    public RetryPolicy {
        retryCodes = List.copyOf(retryCodes);
        rerouteCodes = List.copyOf(rerouteCodes);
    }
}
