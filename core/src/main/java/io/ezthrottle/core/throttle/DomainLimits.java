package io.ezthrottle.core.throttle;

/**
 * The pace of one destination, as every replica applies it.
 *
 * @param rps           requests per second (never below the floor)
 * @param maxConcurrent most requests in flight at once across the cluster (at least 1)
 * @param version       increases whenever the limits change; replicas apply a newer version to the shared bucket
 * @param source        where the value came from: {@code default}, {@code configured}, {@code learned}, {@code override}
 * @param pausedUntil   epoch ms before which nothing is dispatched (set by a 429/503 {@code Retry-After}); 0 if none
 * @param accountQueue  whether jobs are served round-robin per account queue inside the destination's budget
 */
public record DomainLimits(double rps, int maxConcurrent, long version, String source, long pausedUntil,
                           boolean accountQueue) {

    public DomainLimits(double rps, int maxConcurrent, long version, String source) {
        this(rps, maxConcurrent, version, source, 0, false);
    }

    /** Gap between two dispatch starts. */
    public long intervalNanos() {
        return Math.max(1L, Math.round(1_000_000_000d / rps));
    }

    /**
     * Tokens taken from the bucket in one Redis operation: about 50 ms worth of traffic, at least one. A hot
     * destination then costs ~20 bucket operations a second instead of one per request.
     */
    public int batch() {
        return (int) Math.max(1, Math.floor(rps / 20));
    }
}
