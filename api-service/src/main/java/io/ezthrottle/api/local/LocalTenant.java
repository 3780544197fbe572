package io.ezthrottle.api.local;

import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.Tier;
import org.springframework.stereotype.Component;

/**
 * The fixed tenant of the local surface. It is not stored with the API-key tenants: it has no key and cannot be
 * reached through {@code /api/v1}, which keeps local jobs out of every cloud tenant's sight and vice versa.
 */
@Component
public class LocalTenant {

    private final Tenant tenant;

    public LocalTenant(LocalSurfaceProperties properties) {
        this.tenant = new Tenant(properties.tenantId(), "local surface", Tier.top(), 0);
    }

    public Tenant tenant() {
        return tenant;
    }

    public boolean owns(String tenantId) {
        return tenant.id().equals(tenantId);
    }
}
