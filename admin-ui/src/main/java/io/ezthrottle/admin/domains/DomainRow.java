package io.ezthrottle.admin.domains;

import io.ezthrottle.core.throttle.DomainLimits;

/**
 * One destination on the Domains page.
 *
 * @param destination pacing key
 * @param limits      the limits every worker applies now, with where they come from (default, configured, learned
 *                    from upstream headers, override)
 * @param backlog     its attempts waiting in Redis (sampled intake entries plus overflow; see the queue view)
 * @param inFlight    its requests in flight now, cluster-wide
 */
public record DomainRow(String destination, DomainLimits limits, long backlog, long inFlight) {

    /** Epoch ms until which a 429/503 Retry-After holds the destination, or 0. */
    public long pausedUntil() {
        return limits.pausedUntil();
    }

    public boolean overridden() {
        return "override".equals(limits.source());
    }
}
