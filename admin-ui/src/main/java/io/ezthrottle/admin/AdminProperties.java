package io.ezthrottle.admin;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the console ({@code ezthrottle.admin.*}), checked at start-up. The session timeout is Spring's own
 * {@code server.servlet.session.timeout} (default 30m in {@code admin-ui.properties}).
 *
 * @param user         {@code EZTHROTTLE_ADMIN_USER}: the first administrator's name
 * @param password     {@code EZTHROTTLE_ADMIN_PASSWORD}: the first administrator's password, plain or as a
 *                     {@code {bcrypt}$2a$...} hash (the admin API shares it and needs it plain); when unset and the
 *                     user is not in Redis yet, a random one is generated at start and printed once
 * @param viewers      {@code EZTHROTTLE_ADMIN_VIEWERS}: read-only users, comma-separated {@code name:password}
 *                     entries (password plain or {@code {bcrypt}...}); a viewer sees every page and changes nothing.
 *                     These users and the first admin are written to Redis at start when missing there; further
 *                     users are added on the console's Users page
 * @param nearCapRatio share of its cap from which a tenant is highlighted as near its cap
 * @param overview     the Overview page's live charts
 * @param queues       the live queue view
 * @param secrets      webhook-secret rotation
 */
@ConfigurationProperties("ezthrottle.admin")
public record AdminProperties(
        String user,
        String password,
        @DefaultValue List<String> viewers,
        @DefaultValue("0.8") double nearCapRatio,
        @DefaultValue Overview overview,
        @DefaultValue Queues queues,
        @DefaultValue Secrets secrets) {

    public AdminProperties {
        viewers = viewers.stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
        require(nearCapRatio > 0 && nearCapRatio <= 1, "near-cap-ratio must be in (0, 1]");
    }

    /**
     * @param interval       how often the charts get a new point (one Redis sample per interval and replica)
     * @param history        how much history a replica keeps (and sends to a page when it connects)
     * @param classifySample most finished jobs per interval whose outcome is read to split completed from failed;
     *                       beyond it the split is extrapolated from the sample
     * @param webhookDelay   how long after a job finished its webhook deliveries are looked at for the success rate
     */
    public record Overview(@DefaultValue("2s") Duration interval, @DefaultValue("15m") Duration history,
                           @DefaultValue("256") int classifySample, @DefaultValue("5s") Duration webhookDelay) {
        public Overview {
            require(!interval.isNegative() && !interval.isZero(), "overview.interval must be positive");
            require(history.compareTo(interval) >= 0, "overview.history must be at least one interval");
            require(classifySample > 0, "overview.classify-sample must be positive");
        }

        /** Points kept. */
        public int points() {
            return (int) Math.max(1, history.toMillis() / interval.toMillis());
        }
    }

    /**
     * @param refresh     how often an open queue view gets fresh numbers
     * @param sample      most unfinished entries read per stream to split the backlog by domain and tenant
     * @param deadLetters most dead letters listed (newest first, across tenants)
     */
    public record Queues(@DefaultValue("2s") Duration refresh, @DefaultValue("200") int sample,
                         @DefaultValue("50") int deadLetters) {
        public Queues {
            require(!refresh.isNegative() && !refresh.isZero(), "queues.refresh must be positive");
            require(sample > 0 && deadLetters > 0, "queues.sample and queues.dead-letters must be positive");
        }
    }

    /**
     * @param gracePeriod   after a rotation the old primary stays valid as secondary this long, then the console
     *                      removes it
     * @param sweepInterval how often ended grace periods are looked for
     */
    public record Secrets(@DefaultValue("24h") Duration gracePeriod, @DefaultValue("1m") Duration sweepInterval) {
        public Secrets {
            require(!gracePeriod.isNegative(), "secrets.grace-period must not be negative");
            require(!sweepInterval.isNegative() && !sweepInterval.isZero(), "secrets.sweep-interval must be positive");
        }
    }

    @Override
    public String toString() {
        // the record's default would print the password and every viewer's
        return "AdminProperties[user=" + user + ", password=" + (password == null || password.isBlank() ? "unset" : "****")
                + ", viewers=" + viewers.size() + "]";
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
