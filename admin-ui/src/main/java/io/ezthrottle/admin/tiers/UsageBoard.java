package io.ezthrottle.admin.tiers;

import java.time.Clock;
import java.util.Comparator;
import java.util.List;

import io.ezthrottle.admin.AdminProperties;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.usage.Usage;
import io.ezthrottle.core.usage.UsageMeter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Every tenant's usage this month, nearest to its cap first. */
@Component
class UsageBoard {

    private static final long DAY_MS = 86_400_000L;

    private final TenantStore tenants;
    private final UsageMeter meter;
    private final Clock clock;
    private final double nearCapRatio;

    UsageBoard(TenantStore tenants, UsageMeter meter, Clock clock, AdminProperties properties) {
        this.tenants = tenants;
        this.meter = meter;
        this.clock = clock;
        this.nearCapRatio = properties.nearCapRatio();
    }

    Mono<List<TenantUsage>> all() {
        return tenants.list()
                .flatMap(t -> meter.current(t).map(u -> of(t, u)), 16)
                .sort(Comparator.comparingDouble(TenantUsage::usedPercent).reversed()
                        .thenComparing(u -> u.tenant().id()))
                .collectList();
    }

    TenantUsage of(Tenant tenant, Usage usage) {
        long left = Math.max(0, usage.period().endMillis() - clock.millis());
        return new TenantUsage(tenant, usage, (left + DAY_MS - 1) / DAY_MS, usage.used() >= nearCapRatio * usage.cap());
    }
}
