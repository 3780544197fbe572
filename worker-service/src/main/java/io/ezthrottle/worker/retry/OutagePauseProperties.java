package io.ezthrottle.worker.retry;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a failing destination is paused for every replica ({@code ezthrottle.worker.outage-pause.*}) when the
 * upstream gives no {@code Retry-After}: {@code base} after the first failure, doubling with each consecutive one up
 * to {@code max}, each with equal jitter (between half and all of it).
 */
@ConfigurationProperties("ezthrottle.worker.outage-pause")
public record OutagePauseProperties(@DefaultValue("500ms") Duration base, @DefaultValue("30s") Duration max) {
}
