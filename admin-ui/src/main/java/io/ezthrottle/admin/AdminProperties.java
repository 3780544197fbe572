package io.ezthrottle.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the console ({@code ezthrottle.admin.*}).
 *
 * @param user     {@code EZTHROTTLE_ADMIN_USER}: the first administrator's name
 * @param password {@code EZTHROTTLE_ADMIN_PASSWORD}: the first administrator's password; when unset a random one
 *                 is generated at start and printed once
 */
@ConfigurationProperties("ezthrottle.admin")
public record AdminProperties(String user, String password) {
}
