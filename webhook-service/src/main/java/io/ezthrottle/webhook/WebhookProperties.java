package io.ezthrottle.webhook;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the webhook dispatcher ({@code ezthrottle.webhook.*}).
 *
 * @param consumerName  name in the consumer group; defaults to a random unique name
 * @param batchSize     result entries read per XREADGROUP
 * @param pollTimeout   how long one XREADGROUP blocks when the stream is empty
 * @param timeout       timeout of one delivery attempt
 * @param retryDelays   wait before each attempt; the first is normally zero (deliver at once)
 */
@ConfigurationProperties("ezthrottle.webhook")
public record WebhookProperties(
        String consumerName,
        @DefaultValue("64") int batchSize,
        @DefaultValue("1s") Duration pollTimeout,
        @DefaultValue("5s") Duration timeout,
        @DefaultValue({"0s", "1s", "2s", "4s", "8s"}) List<Duration> retryDelays) {
}
