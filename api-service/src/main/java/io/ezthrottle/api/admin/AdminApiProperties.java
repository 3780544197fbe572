package io.ezthrottle.api.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Credentials of the admin REST API ({@code ezthrottle.admin.*}), the same ones the admin console uses.
 *
 * @param user     {@code EZTHROTTLE_ADMIN_USER}: administrator name (default {@code admin})
 * @param password {@code EZTHROTTLE_ADMIN_PASSWORD}: when unset the admin API is disabled and answers 404; the API
 *                 never invents a password of its own, since no other replica could know it
 */
@ConfigurationProperties("ezthrottle.admin")
public record AdminApiProperties(@DefaultValue("admin") String user, String password) {

    public boolean enabled() {
        return password != null && !password.isBlank();
    }

    @Override
    public String toString() {
        return "AdminApiProperties[user=" + user + ", password=" + (enabled() ? "****" : "unset") + "]";
    }
}
