package io.ezthrottle.api.admission;

/**
 * What admission control sees right now, for health and for the local surface's {@code /health}.
 *
 * @param enabled           whether any ceiling is set
 * @param state             {@code accepting} or {@code shedding}
 * @param queueDepth        last sampled queue depth (-1 when not measured)
 * @param maxQueueDepth     ceiling (0 = off)
 * @param memoryMb          used heap of this replica, MiB
 * @param memoryLimitMb     ceiling (0 = off)
 * @param retryAfterSeconds what a refusal would carry now
 */
public record AdmissionSnapshot(boolean enabled, String state, long queueDepth, long maxQueueDepth, long memoryMb,
                                long memoryLimitMb, long retryAfterSeconds) {
}
