package io.ezthrottle.admin.tiers;

import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.usage.Usage;

/**
 * A tenant's month so far, as the tiers page shows it.
 *
 * @param tenant      the tenant
 * @param usage       requests counted this period against its tier
 * @param daysToReset whole days (rounded up) until the counter starts over
 * @param nearCap     whether usage reached the configured share of the cap
 */
public record TenantUsage(Tenant tenant, Usage usage, long daysToReset, boolean nearCap) {

    /** Used share of the cap, in percent (0-100), for the bar. */
    public double usedPercent() {
        return Math.min(100.0, 100.0 * usage.used() / Math.max(1, usage.cap()));
    }

    /** Where the included amount ends on the bar, in percent of the cap. */
    public double includedPercent() {
        return Math.min(100.0, 100.0 * usage.included() / Math.max(1, usage.cap()));
    }

    public boolean atCap() {
        return usage.used() >= usage.cap();
    }
}
