package io.ezthrottle.api.stream;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the live job streams ({@code ezthrottle.stream.*}).
 *
 * @param keepalive an SSE comment is sent after this long without events, so proxies keep the connection open
 *                  (compat-protocol §1.7: 30 s)
 * @param poll      how often an open stream re-reads its job record; the record is the source of truth and
 *                  pub/sub nudges can be lost, so this bounds how late a stream can be when a nudge is missed
 * @param handoffLease while a stream is open its job's webhooks are held back (compat-protocol §1.7); the stream
 *                  renews that claim every third of this, so a replica that dies with streams open delays their
 *                  webhooks by at most this (plus the dispatcher's reclaim interval)
 * @param streamedRetention how long "the stream delivered the outcome" is remembered, so a result entry read
 *                  again later (a worker republishing it) does not send the webhook after all
 */
@ConfigurationProperties("ezthrottle.stream")
public record StreamProperties(@DefaultValue("30s") Duration keepalive, @DefaultValue("2s") Duration poll,
                               @DefaultValue("30s") Duration handoffLease,
                               @DefaultValue("24h") Duration streamedRetention) {

    public StreamProperties {
        if (keepalive.isNegative() || keepalive.isZero() || poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("ezthrottle.stream: keepalive and poll must be positive");
        }
        if (handoffLease.toMillis() < 300 || streamedRetention.isNegative() || streamedRetention.isZero()) {
            throw new IllegalArgumentException("ezthrottle.stream: handoff-lease must be >= 300ms and streamed-retention positive");
        }
    }
}
