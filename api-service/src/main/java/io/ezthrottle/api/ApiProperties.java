package io.ezthrottle.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the submission API ({@code ezthrottle.api.*}).
 *
 * @param maxBodyBytes largest accepted request body; larger ones get 413 (default 1 MiB)
 */
@ConfigurationProperties("ezthrottle.api")
public record ApiProperties(@DefaultValue("1048576") int maxBodyBytes) {
}
