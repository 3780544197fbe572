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
 */
@ConfigurationProperties("ezthrottle.stream")
public record StreamProperties(@DefaultValue("30s") Duration keepalive, @DefaultValue("2s") Duration poll) {

    public StreamProperties {
        if (keepalive.isNegative() || keepalive.isZero() || poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("ezthrottle.stream: keepalive and poll must be positive");
        }
    }
}
