package io.ezthrottle.admin.secrets;

import io.ezthrottle.admin.AdminProperties;
import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.admin.web.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Ends grace periods that are over, every {@code secrets.sweep-interval}. Every console replica sweeps; the
 * removal is a compare-and-delete, so two replicas doing it at once is harmless. While no console runs, old
 * secondaries simply stay valid longer.
 */
@Component
class SecretGraceSweep implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SecretGraceSweep.class);

    private final GracePeriods grace;
    private final AdminProperties.Secrets settings;
    private volatile Ticker ticker;

    SecretGraceSweep(GracePeriods grace, AdminProperties properties) {
        this.grace = grace;
        this.settings = properties.secrets();
    }

    void sweep() {
        Long removed = Blocking.get(grace.sweep());
        if (removed != null && removed > 0) {
            log.info("grace period over: removed {} old webhook secret(s)", removed);
        }
    }

    @Override
    public void start() {
        ticker = new Ticker("secret-grace-sweep", settings.sweepInterval(), this::sweep);
    }

    @Override
    public void stop() {
        if (ticker != null) {
            ticker.close();
            ticker = null;
        }
    }

    @Override
    public boolean isRunning() {
        return ticker != null;
    }
}
