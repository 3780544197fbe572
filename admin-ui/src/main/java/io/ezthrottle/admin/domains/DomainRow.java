package io.ezthrottle.admin.domains;

import io.ezthrottle.core.throttle.DomainLimits;
import io.ezthrottle.core.throttle.DomainLimitsStore.Last429;

/**
 * One destination on the Domains page.
 *
 * @param destination pacing key
 * @param limits      the limits every worker applies now, with where they come from (default, configured, learned
 *                    from upstream headers, override)
 * @param backlog     its attempts waiting in Redis (sampled intake entries plus overflow; see the queue view)
 * @param inFlight    its requests in flight now, cluster-wide
 * @param last429     the last 429 a worker got from it, or {@link Last429#NEVER}
 */
public record DomainRow(String destination, DomainLimits limits, long backlog, long inFlight, Last429 last429) {

    /** Epoch ms until which a 429/503 Retry-After holds the destination, or 0. */
    public long pausedUntil() {
        return limits.pausedUntil();
    }

    /** Whether a worker recorded a 429 from the destination (since its limits hash last expired). */
    public boolean had429() {
        return last429.at() > 0;
    }

    public boolean overridden() {
        return "override".equals(limits.source());
    }
}
