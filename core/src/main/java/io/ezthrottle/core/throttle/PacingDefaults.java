package io.ezthrottle.core.throttle;

/**
 * Defaults for destinations nobody configured.
 *
 * @param rps           requests per second per destination (default 2)
 * @param floorRps      lowest rate an upstream header can set (default 0.5)
 * @param maxConcurrent requests in flight per destination across the cluster (default 2)
 */
public record PacingDefaults(double rps, double floorRps, int maxConcurrent) {

    public static final PacingDefaults DEFAULT = new PacingDefaults(2.0, 0.5, 2);

    public DomainLimits limits() {
        return new DomainLimits(rps, maxConcurrent, 0, "default");
    }
}
