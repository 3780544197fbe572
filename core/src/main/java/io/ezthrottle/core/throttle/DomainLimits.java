package io.ezthrottle.core.throttle;

/**
 * The pace of one destination.
 *
 * @param rps           requests per second (never below the floor)
 * @param maxConcurrent most requests in flight at once across the cluster (at least 1)
 * @param version       increases whenever the limits change; replicas apply a newer version to the shared bucket
 * @param source        where the value came from: {@code default}, {@code configured}, {@code learned}
 */
public record DomainLimits(double rps, int maxConcurrent, long version, String source) {

    /** Gap between two dispatch starts. */
    public long intervalNanos() {
        return Math.max(1L, Math.round(1_000_000_000d / rps));
    }
}
