package io.ezthrottle.core.usage;

import io.ezthrottle.core.tenant.Tier;

/**
 * A tenant's requests in one period, against its tier.
 *
 * @param tenantId the tenant
 * @param tier     its tier (decides included amount and cap)
 * @param period   the month counted
 * @param used     jobs accepted in the period (duplicates, retries and webhook attempts are not counted)
 */
public record Usage(String tenantId, Tier tier, UsagePeriod period, long used) {

    public long included() {
        return tier.included();
    }

    public long cap() {
        return tier.cap();
    }

    public long overage() {
        return tier.overage(used);
    }

    public long remaining() {
        return Math.max(0, cap() - used);
    }
}
