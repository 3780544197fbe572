package io.ezthrottle.api.local;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The local surface ({@code ezthrottle.local.*}): the unauthenticated {@code /jobs}, {@code /jobs/{id}},
 * {@code /jobs/{id}/stream} and {@code /health} routes of the self-hosted server (compat-protocol §1.5–§1.8).
 *
 * @param enabled  serve them; they trust the network (no API key), so turn them off wherever the API port is
 *                 reachable by anyone but your own services
 * @param tenantId the tenant that owns every job submitted there (idempotency keys, secrets and dead letters are
 *                 scoped to it like any tenant's)
 */
@ConfigurationProperties("ezthrottle.local")
public record LocalSurfaceProperties(@DefaultValue("true") boolean enabled, @DefaultValue("local") String tenantId) {
}
