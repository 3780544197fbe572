package io.ezthrottle.api.bootstrap;

import java.time.Duration;

import io.ezthrottle.core.config.CoreProperties;
import io.ezthrottle.core.tenant.TenantStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Creates (idempotently) the top-tier tenant owning {@code EZTHROTTLE_BOOTSTRAP_API_KEY} at start-up, so a fresh
 * install is usable with one environment variable. Runs on the main thread before traffic is served.
 */
@Component
public class BootstrapTenant implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapTenant.class);

    private final CoreProperties properties;
    private final TenantStore tenants;

    public BootstrapTenant(CoreProperties properties, TenantStore tenants) {
        this.properties = properties;
        this.tenants = tenants;
    }

    @Override
    public void run(ApplicationArguments args) {
        String key = properties.bootstrapApiKey();
        if (key == null || key.isBlank()) {
            return;
        }
        var tenant = tenants.bootstrap(key.trim()).block(Duration.ofSeconds(30));
        log.info("bootstrap tenant ready tenant={} tier={}", tenant.id(), tenant.tier().wire());
    }
}
